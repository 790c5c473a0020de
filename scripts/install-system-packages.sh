#!/usr/bin/env bash
# Installs the Debian packages publisher needs, only those missing.
#   fonts-khmeros, fonts-noto-cjk  fonts of Cambodian official documents, Chinese with bold
#   fonts-liberation2              a Times-metric serif for English
#   libharfbuzz-subset0            font subsetting for WeasyPrint (without it PDFs take ~30x longer)
#   poppler-utils                  pdftotext/pdffonts/pdftoppm, used by the tests
#   gettext                        msgfmt/msgcat, used by the tests (interoperability)
#   chromium                       headless browser for the HTML tests
#   default-jre-headless           java, to run the W3C Nu HTML validator (tests/publishing/test_site.py)
#   npm                            to install that validator (npm vnu-jar, see the Makefile)
#   libimage-exiftool-perl         exiftool: the tests read photos' IPTC/XMP back with a
#                                  reader independent of the library that wrote them
#   openssh-client                 ssh-keygen -Y sign/verify: signed approvals, `publisher verify`
# poppler-utils also makes the site's PDF thumbnails and page counts (`publisher site`).
set -euo pipefail
packages=(fonts-khmeros fonts-noto-cjk fonts-liberation2 libharfbuzz-subset0 poppler-utils gettext chromium libimage-exiftool-perl openssh-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Commands that may come from elsewhere (a JDK, NodeSource's nodejs): only when absent.
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
# Debian's python3 needs python3-venv for `python3 -m venv` (pyenv builds have it).
python3 -c "import ensurepip" 2>/dev/null || missing+=(python3-venv)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
