/*
 * consolidation/detect-list.h - the registered overload detectors, one
 * line each (--consolidate NAME); cf. Beloglazov & Buyya 2012, s. 6.  The
 * first is the default.
 */
DETECTOR(none)
DETECTOR(thr)
DETECTOR(iqr)
DETECTOR(mad)
DETECTOR(lr)
DETECTOR(lrr)
