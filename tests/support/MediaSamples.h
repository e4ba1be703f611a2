#pragma once

#include <QByteArray>
#include <QColor>
#include <QImage>
#include <QString>

namespace pygmi::test {

// Reference files for the upload tests, made on the fly: real images (Qt's encoders) carrying
// the metadata phones and generation tools write (added with exiv2 or as PNG chunks), and the
// bad inputs a server must refuse.
namespace samples {

QImage pattern(int width, int height, QColor tint = QColor(40, 120, 200));
QByteArray png(int width, int height, QColor tint = QColor(40, 120, 200));
QByteArray solidPng(int width, int height, QColor color);
// JPEG with EXIF (camera make/model/serial, capture time, GPS position), XMP (creator, GPS) and IPTC (city).
QByteArray jpegWithMetadata(int width = 96, int height = 64);
// PNG with tEXt "parameters" (as Stable Diffusion front ends write), iTXt "prompt", tEXt "Author".
QByteArray pngWithTextChunks(int width = 80, int height = 60);
// WebP with an EXIF chunk (GPS, camera).
QByteArray webpWithExif(int width = 64, int height = 48);
// A valid PNG header claiming width × height pixels with almost no data: a decompression bomb.
QByteArray pngBomb(quint32 width = 30000, quint32 height = 30000);

// What exiv2 finds: "exif", "xmp", "iptc", "comment", "gps" (any GPS tag anywhere); empty when clean.
QStringList exivMetadata(const QByteArray &image);
// Text chunk keywords of a PNG (tEXt, zTXt, iTXt).
QStringList pngTextKeywords(const QByteArray &png);
// Decoded pixels compare equal (ARGB32), e.g. before and after scrubbing.
bool samePixels(const QByteArray &a, const QByteArray &b);

} // namespace samples

} // namespace pygmi::test
