"""The machine can run the browser tests and render Chinese: a CJK font and Debian's Chromium are installed."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CJK_FONT = re.compile(r"Noto (Sans|Serif)( Mono)? CJK|WenQuanYi|文泉驿", re.IGNORECASE)


def test_chinese_font_installed():
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.fail(
            "缺少中文字体，请运行：apt-get install -y fonts-noto-cjk（fc-list 也不可用，请同时安装 fontconfig）"
        )
    result = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=60)
    families = result.stdout.splitlines()
    if not any(CJK_FONT.search(line) for line in families):
        pytest.fail("缺少中文字体，请运行：apt-get install -y fonts-noto-cjk")


def test_chromium_installed():
    if not Path(CHROMIUM).is_file():
        pytest.fail("缺少 Chromium 浏览器（/usr/bin/chromium），请运行：apt-get install -y chromium")
