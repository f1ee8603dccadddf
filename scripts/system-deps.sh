#!/usr/bin/env bash
# Checks the few things ShotGraph takes from the operating system and installs what is missing
# when run as root on Debian/Ubuntu. ffmpeg and espeak-ng come from Python wheels
# (imageio-ffmpeg, espeakng-loader), so a fresh machine usually needs nothing here.
set -euo pipefail

missing=()
# Redis: the queue and its tests need a server; tests start a throwaway one from this binary
# when nothing answers on REDIS_URL.
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# openssl: the rediss:// test makes a throwaway certificate authority with it.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# Fonts for title cards and captions; Pillow's built-in font is the fallback.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: missing ${missing[*]}; install them with your package manager" \
       "(e.g. sudo apt-get install ${missing[*]}). Continuing without them." >&2
fi
