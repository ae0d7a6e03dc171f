/*
 * cli/datadir.h - where hvsim's data files are (hardware profiles,
 * workload classes): $HVSIM_DATA; the source tree beside the binary
 * (build/hvsim -> models/); an install beside the binary (PREFIX/bin/hvsim
 * -> PREFIX/share/hvsim, so an installed tree can be moved); the install
 * directory compiled in.
 */
#ifndef CLI_DATADIR_H
#define CLI_DATADIR_H

/* The directory; the text lives as long as the process. */
const char *cli_datadir(void);

#endif /* CLI_DATADIR_H */
