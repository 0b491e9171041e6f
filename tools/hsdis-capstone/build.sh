#!/bin/sh
# Builds hsdis-amd64.so here from hsdis.c and Debian's Capstone (apt-get install libcapstone-dev).
set -eu
cd "$(dirname "$0")"
if ! [ -f /usr/include/capstone/capstone.h ]; then
    echo "needs Capstone's headers: apt-get install libcapstone-dev" >&2
    exit 1
fi
gcc -O2 -Wall -Wextra -shared -fPIC -o hsdis-amd64.so hsdis.c -lcapstone
echo "built $(pwd)/hsdis-amd64.so"
