#!/bin/sh
# Installs every build, test and benchmark dependency of casroot from Debian's packages.
# Called by make only when a dependency is missing; safe to run again.
set -eu

packages="build-essential clang clang-format libclang-rt-dev pkg-config
libfuse3-dev fuse3 libcap-dev libcmocka-dev libprotobuf-c-dev protobuf-c-compiler
libssl-dev libjson-c-dev
protobuf-compiler libprotobuf-dev python3 python3-protobuf
golang-go busybox-static attr psmisc procps util-linux iproute2 libcap2-bin
fuse-overlayfs bindfs bubblewrap hyperfine"

# --check: exit 0 when every package is installed, 1 otherwise.
if [ "${1:-}" = "--check" ]; then
	# shellcheck disable=SC2086
	missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $packages 2>&1 | grep -vc '^ii ') || true
	[ "$missing" -eq 0 ]
	exit
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: must run as root (apt-get); try: sudo $0" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages
