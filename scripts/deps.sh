#!/bin/sh
# Install the Debian packages hvsim needs to build, test and plot, when
# they are missing.  Safe to run again: it does nothing when all is there.
set -eu
PKGS="build-essential pkg-config libgsl-dev libjansson-dev libcriterion-dev gnuplot-nox
      zlib1g-dev liblzma-dev libzstd-dev libbz2-dev python3 parallel jq"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "scripts/deps.sh: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
