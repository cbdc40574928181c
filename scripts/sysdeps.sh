#!/usr/bin/env bash
# Debian packages the portal needs: WeasyPrint's libraries and a CJK font (run), plus Chromium for browser tests (test).
set -euo pipefail
mode="${1:-run}"
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext)
if [ "$mode" = "test" ]; then
  pkgs+=(chromium poppler-utils)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "请安装以下系统软件包：${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "安装系统软件包：${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "缺少系统软件包，请以 root 运行："
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  [ "$mode" = "test" ] && exit 1
  exit 0
fi
