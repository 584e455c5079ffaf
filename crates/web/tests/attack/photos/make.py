#!/usr/bin/env python3
"""Makes the photos for the metadata tests (see README.md): a small picture of our own, saved
clean, then the same bytes with location and author metadata added around the image data.

    python3 -m venv /tmp/photos-venv && /tmp/photos-venv/bin/pip install pillow
    /tmp/photos-venv/bin/python make.py

The metadata is added to the clean files' bytes (segments, chunks, boxes put in), never by
encoding the picture again, so that stripping `gps.*` must give back exactly `clean.*`.
"""

import struct
import zlib
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent

ARTIST = "Ivan Petrov"
# Haskovo: 41°56′N 25°33′E.
XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
    ' xmlns:tiff="http://ns.adobe.com/tiff/1.0/"'
    ' exif:GPSLatitude="41,56.0N" exif:GPSLongitude="25,33.0E"'
    f' tiff:Artist="{ARTIST}"/>'
    "</rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
).encode()
COMMENT = f"{ARTIST}, 41.9333 N 25.55 E".encode()
TRAILER = b"<html><script>alert(document.cookie)</script></html>"


def picture() -> Image.Image:
    """A 48×32 picture: sky, a green field, a red roof on a white house, a yellow sun."""
    img = Image.new("RGB", (48, 32), (120, 170, 230))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 22, 47, 31), fill=(60, 150, 60))
    d.rectangle((12, 14, 28, 26), fill=(245, 245, 240))
    d.polygon([(10, 14), (20, 6), (30, 14)], fill=(200, 40, 40))
    d.ellipse((36, 3, 44, 11), fill=(250, 210, 40))
    return img


def exif(orientation: int | None = None) -> bytes:
    """A TIFF/Exif block (without the `Exif\\0\\0` of JPEG's APP1) with GPS, the artist, the
    camera's serial number and the date taken; and `orientation` when given."""
    e = Image.Exif()
    if orientation is not None:
        e[0x0112] = orientation
    e[0x010F] = "Priemna Test Camera"  # Make
    e[0x013B] = ARTIST  # Artist
    e[0x8298] = f"(c) {ARTIST}"  # Copyright
    sub = e.get_ifd(0x8769)  # Exif IFD
    sub[0x9003] = "2026:03:01 09:41:00"  # DateTimeOriginal
    sub[0xA431] = "SN-4815162342"  # BodySerialNumber
    gps = e.get_ifd(0x8825)  # GPS IFD
    gps[0x0001] = "N"
    gps[0x0002] = (41.0, 56.0, 0.0)
    gps[0x0003] = "E"
    gps[0x0004] = (25.0, 33.0, 0.0)
    data = e.tobytes()
    assert data.startswith(b"Exif\0\0")
    return data[6:]


def save(img: Image.Image, fmt: str, **options) -> bytes:
    out = BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


# ---- JPEG -------------------------------------------------------------------------------------


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def iptc() -> bytes:
    """An APP13 Photoshop block with one IPTC record: By-line and City."""
    record = b""
    for dataset, value in [(80, ARTIST.encode()), (90, b"Haskovo")]:
        record += bytes([0x1C, 2, dataset]) + struct.pack(">H", len(value)) + value
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(record))
    block += record + (b"\0" if len(record) % 2 else b"")
    return b"Photoshop 3.0\0" + block


def jpeg_with_metadata(clean: bytes, orientation: int | None = None) -> bytes:
    """`clean` with Exif, XMP, IPTC and a comment after its JFIF segment, and HTML after EOI."""
    assert clean[:4] == b"\xff\xd8\xff\xe0"
    app0_end = 4 + struct.unpack(">H", clean[4:6])[0]
    metadata = (
        segment(0xE1, b"Exif\0\0" + exif(orientation))
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)
        + segment(0xED, iptc())
        + segment(0xFE, COMMENT)
    )
    assert clean.endswith(b"\xff\xd9")
    return clean[:app0_end] + metadata + clean[app0_end:] + TRAILER


# ---- PNG --------------------------------------------------------------------------------------


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_metadata(clean: bytes) -> bytes:
    """`clean` with eXIf, tEXt, iTXt (XMP), zTXt and tIME chunks after IHDR, and HTML after IEND."""
    ihdr_end = 8 + 12 + 13
    assert clean[12:16] == b"IHDR"
    metadata = (
        chunk(b"eXIf", exif())
        + chunk(b"tEXt", b"Author\0" + ARTIST.encode())
        + chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP)
        + chunk(b"zTXt", b"Comment\0\0" + zlib.compress(COMMENT))
        + chunk(b"tIME", struct.pack(">HBBBBB", 2026, 3, 1, 9, 41, 0))
    )
    assert clean.endswith(chunk(b"IEND", b""))
    return clean[:ihdr_end] + metadata + clean[ihdr_end:] + TRAILER


# ---- WebP -------------------------------------------------------------------------------------


def riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, i = [], 12
    while i < len(data):
        kind, size = data[i : i + 4], struct.unpack("<I", data[i + 4 : i + 8])[0]
        chunks.append((kind, data[i + 8 : i + 8 + size]))
        i += 8 + size + size % 2
    return chunks


def webp(chunks: list[tuple[bytes, bytes]]) -> bytes:
    body = b"WEBP" + b"".join(riff_chunk(k, d) for k, d in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_with_metadata(clean: bytes, orientation: int | None = None) -> bytes:
    """`clean` (a simple lossy WebP) in the extended format with EXIF and XMP chunks, their
    flags set in VP8X, and HTML after the RIFF container."""
    chunks = webp_chunks(clean)
    assert [k for k, _ in chunks] == [b"VP8 "], "a simple lossy WebP"
    width, height = Image.open(BytesIO(clean)).size
    flags = 0b0000_1100  # Exif, XMP
    vp8x = bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little")
    vp8x += (height - 1).to_bytes(3, "little")
    return webp([(b"VP8X", vp8x), *chunks, (b"EXIF", exif(orientation)), (b"XMP ", XMP)]) + TRAILER


# ---- HEIC -------------------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]) + payload)


def heic() -> tuple[bytes, bytes]:
    """A synthetic HEIC (no real HEVC data): ftyp; meta with hdlr, pitm, iinf, iloc (version 1)
    and idat; mdat. Item 1 is the image (stand-in bytes in mdat), item 2 the Exif (in mdat),
    item 3 the XMP (`mime`, in idat). Returns it with metadata, and with the metadata items'
    bytes zeroed in place."""
    image = bytes(range(1, 256)) * 2
    exif_item = struct.pack(">I", 6) + b"Exif\0\0" + exif()
    ftyp = box(b"ftyp", b"heic" + b"\0\0\0\0" + b"mif1heic")
    hdlr = full_box(b"hdlr", 0, b"\0\0\0\0pict" + b"\0" * 12 + b"\0")
    pitm = full_box(b"pitm", 0, struct.pack(">H", 1))

    def infe(item: int, kind: bytes, extra: bytes = b"") -> bytes:
        return full_box(b"infe", 2, struct.pack(">HH", item, 0) + kind + b"\0" + extra)

    iinf = full_box(
        b"iinf",
        0,
        struct.pack(">H", 3)
        + infe(1, b"hvc1")
        + infe(2, b"Exif")
        + infe(3, b"mime", b"application/rdf+xml\0"),
    )
    idat = box(b"idat", XMP)

    def meta(image_at: int, exif_at: int) -> bytes:
        # iloc v1: offset and length 4 bytes, no base offset, no index; per item: id,
        # construction method, data reference index, extent count, then each extent.
        entries = struct.pack(">HHHHII", 1, 0, 0, 1, image_at, len(image))
        entries += struct.pack(">HHHHII", 2, 0, 0, 1, exif_at, len(exif_item))
        entries += struct.pack(">HHHHII", 3, 1, 0, 1, 0, len(XMP))
        iloc = full_box(b"iloc", 1, bytes([0x44, 0x00]) + struct.pack(">H", 3) + entries)
        return full_box(b"meta", 0, hdlr + pitm + iinf + iloc + idat)

    # The offsets depend on meta's size, which does not depend on them.
    head = len(ftyp) + len(meta(0, 0)) + 8
    data = ftyp + meta(head, head + len(image)) + box(b"mdat", image + exif_item)
    clean = bytearray(data)
    for start, length in [(head + len(image), len(exif_item)), (data.index(XMP), len(XMP))]:
        clean[start : start + length] = bytes(length)
    return data, bytes(clean)


def main() -> None:
    img = picture()
    # A photo taken with the phone held sideways: the pixels lie rotated a quarter turn
    # anticlockwise, and Orientation 6 tells the viewer to turn them clockwise.
    sideways = img.transpose(Image.Transpose.ROTATE_90)

    files = {}
    clean_jpeg = save(img, "JPEG", quality=85)
    files["clean.jpg"] = clean_jpeg
    files["gps.jpg"] = jpeg_with_metadata(clean_jpeg)
    # Progressive, with restart markers: several scans for the stripping to walk.
    sideways_jpeg = save(sideways, "JPEG", quality=85, progressive=True, restart_marker_blocks=4)
    files["sideways.jpg"] = jpeg_with_metadata(sideways_jpeg, orientation=6)

    clean_png = save(img, "PNG")
    files["clean.png"] = clean_png
    files["gps.png"] = png_with_metadata(clean_png)

    clean_webp = save(img, "WEBP", quality=80)
    files["clean.webp"] = clean_webp
    files["gps.webp"] = webp_with_metadata(clean_webp)
    files["sideways.webp"] = webp_with_metadata(save(sideways, "WEBP", quality=80), orientation=6)

    files["gps.heic"], files["clean.heic"] = heic()

    for name, data in files.items():
        (HERE / name).write_bytes(data)
        print(f"{name:14} {len(data):6} bytes")


if __name__ == "__main__":
    main()
