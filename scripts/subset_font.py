"""Make carecenter/resources/fonts/ARPLUMingCN-GB.ttf: a subset of AR PL UMing CN
(明体/宋体 style).

The whole font (Debian's fonts-arphic-uming, uming.ttc) is 21 MB with four faces; the
documents need one face with the characters of GB 2312 (6,763 hanzi, which covers the
names and places of almost everyone), some frequent name characters outside it, ASCII,
Latin-1 and the punctuation of Chinese text. Result: about 4.7 MB.

    apt-get install fonts-arphic-uming && pip install fonttools
    python scripts/subset_font.py [uming.ttc] [out.ttf]

Licence: Arphic Public License (carecenter/resources/fonts/ARPHICPL.TXT); a modified font is
distributed under the same licence with a notice of the change (see fonts/README.md).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "/usr/share/fonts/truetype/arphic/uming.ttc"
TARGET = ROOT / "carecenter" / "resources" / "fonts" / "ARPLUMingCN-GB.ttf"

RANGES = [
    (0x2200, 0x22FF),
    (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x21FF),
    (0x2460, 0x24FF), (0x2500, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
]
# Name characters outside GB 2312 that registers meet often.
EXTRA = "珺玥堃昇喆赟玟琇瑄翀昀晞炘祎祯骞溦璟彧婼祺钰琪瑶琦璐颖蕾芃炜烨熠煜堉垚淼焱犇鑫" \
        "秾旻昕晔暄曦皓嫣婕娅妍姝媛嫒姣婷娟妤镕镛锟锴铖钧铭钊钏钦钰钜钍钐钪"

NOTICE = ("Modified 2026-11 by the carecenter project (scripts/subset_font.py): subset of "
          "AR PL UMing CN to GB 2312, ASCII, Latin-1 and punctuation; hinting and bitmaps "
          "removed. Arphic Public License.")


def codepoints(cmap: dict[int, str]) -> set[int]:
    cps: set[int] = set()
    for a, b in RANGES:
        cps.update(range(a, b + 1))
    for hi in range(0xA1, 0xF8):  # symbols (rows 1-9: √ □ ① …) and hanzi
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                cps.add(ord(bytes([hi, lo]).decode("gb2312")))
    cps.update(ord(c) for c in EXTRA)
    return cps & set(cmap)


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else SOURCE
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else TARGET
    font = TTCollection(source).fonts[0]  # AR PL UMing CN
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG", "EBDT", "EBLC", "EBSC", "BDF ", "FFTM"]
    subsetter = subset.Subsetter(options)
    cps = codepoints(font.getBestCmap())
    subsetter.populate(unicodes=cps)
    subsetter.subset(font)
    # Arphic Public License 2(a): a notice in the modified file of how and when.
    font["name"].setName(NOTICE, 10, 3, 1, 0x409)
    font["name"].setName(NOTICE, 10, 1, 0, 0)
    font.save(str(target))
    print(f"{len(cps)} characters -> {target} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
