#include "MediaSamples.h"

#include <QBuffer>
#include <QPainter>
#include <QtEndian>
#include <exiv2/exiv2.hpp>
#include <functional>

namespace pygmi::test::samples {

namespace {

quint32 crc32(const QByteArray &data)
{
    quint32 c = 0xFFFFFFFFu;
    for (const char byte : data) {
        c ^= quint8(byte);
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

QByteArray chunk(const QByteArray &type, const QByteArray &payload)
{
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(payload.size()), out.data());
    out += type + payload;
    QByteArray crc(4, '\0');
    qToBigEndian<quint32>(crc32(type + payload), crc.data());
    return out + crc;
}

QByteArray encode(const QImage &image, const char *format, int quality = -1)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format, quality);
    return bytes;
}

QByteArray withExiv(const QByteArray &image, const std::function<void(Exiv2::Image &)> &edit)
{
    auto exiv = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte *>(image.constData()), long(image.size()));
    exiv->readMetadata();
    edit(*exiv);
    exiv->writeMetadata();
    Exiv2::BasicIo &io = exiv->io();
    io.seek(0, Exiv2::BasicIo::beg);
    const Exiv2::DataBuf data = io.read(long(io.size()));
    return QByteArray(reinterpret_cast<const char *>(data.pData_), int(data.size_));
}

void addPhoneExif(Exiv2::ExifData &exif)
{
    exif["Exif.Image.Make"] = "PygmiPhone";
    exif["Exif.Image.Model"] = "Model X-42";
    exif["Exif.Photo.BodySerialNumber"] = "SN-0042-1337";
    exif["Exif.Photo.DateTimeOriginal"] = "2026:05:01 12:34:56";
    exif["Exif.Image.Artist"] = "Ana Example";
    exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
    exif["Exif.GPSInfo.GPSLatitude"] = "52/1 31/1 12/1";
    exif["Exif.GPSInfo.GPSLongitudeRef"] = "E";
    exif["Exif.GPSInfo.GPSLongitude"] = "13/1 24/1 36/1";
}

} // namespace

QImage pattern(int width, int height, QColor tint)
{
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            image.setPixel(x, y,
                           qRgb((x * 255 / std::max(1, width - 1) + tint.red()) / 2,
                                (y * 255 / std::max(1, height - 1) + tint.green()) / 2, tint.blue()));
    }
    return image;
}

QByteArray png(int width, int height, QColor tint)
{
    return encode(pattern(width, height, tint), "PNG");
}

QByteArray solidPng(int width, int height, QColor color)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(color);
    return encode(image, "PNG");
}

QByteArray jpegWithMetadata(int width, int height)
{
    const QByteArray jpeg = encode(pattern(width, height), "JPEG", 90);
    return withExiv(jpeg, [](Exiv2::Image &image) {
        addPhoneExif(image.exifData());
        image.xmpData()["Xmp.dc.creator"] = "Ana Example";
        image.xmpData()["Xmp.exif.GPSLatitude"] = "52,31.2N";
        image.iptcData()["Iptc.Application2.City"] = "Berlin";
        image.setComment("taken at home");
    });
}

QByteArray pngWithTextChunks(int width, int height)
{
    QByteArray bytes = png(width, height);
    const qsizetype iend = bytes.lastIndexOf("IEND") - 4;
    QByteArray extra = chunk("tEXt",
                             QByteArray("parameters") + '\0'
                                 + "a castle at dusk, Steps: 30, Sampler: Euler a, CFG scale: 7, Seed: 1234");
    extra += chunk("iTXt",
                   QByteArray("prompt") + '\0' + '\0' + '\0' + '\0' + '\0' + "{\"1\":{\"class_type\":\"KSampler\"}}");
    extra += chunk("tEXt", QByteArray("Author") + '\0' + "Ana Example");
    bytes.insert(iend, extra);
    return bytes;
}

QByteArray webpWithExif(int width, int height)
{
    const QByteArray webp = encode(pattern(width, height), "WEBP", 90);
    return withExiv(webp, [](Exiv2::Image &image) { addPhoneExif(image.exifData()); });
}

QByteArray pngBomb(quint32 width, quint32 height)
{
    QByteArray ihdr(13, '\0');
    qToBigEndian<quint32>(width, ihdr.data());
    qToBigEndian<quint32>(height, ihdr.data() + 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // RGB
    const QByteArray signature("\x89PNG\r\n\x1a\n", 8);
    // A few bytes of deflate data: zeros compress to almost nothing, which is the trick of a bomb.
    const QByteArray idat = qCompress(QByteArray(64 * 1024, '\0')).mid(4);
    return signature + chunk("IHDR", ihdr) + chunk("IDAT", idat) + chunk("IEND", {});
}

QStringList exivMetadata(const QByteArray &image)
{
    QStringList found;
    try {
        auto exiv
            = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte *>(image.constData()), long(image.size()));
        exiv->readMetadata();
        if (!exiv->exifData().empty())
            found << QStringLiteral("exif");
        if (!exiv->xmpData().empty())
            found << QStringLiteral("xmp");
        if (!exiv->iptcData().empty())
            found << QStringLiteral("iptc");
        if (!exiv->comment().empty())
            found << QStringLiteral("comment");
        for (const auto &datum : exiv->exifData()) {
            if (datum.groupName() == "GPSInfo") {
                found << QStringLiteral("gps");
                break;
            }
        }
    } catch (const std::exception &) { }
    return found;
}

QStringList pngTextKeywords(const QByteArray &png)
{
    QStringList keywords;
    qsizetype pos = 8;
    while (pos + 12 <= png.size()) {
        const quint32 length = qFromBigEndian<quint32>(png.constData() + pos);
        const QByteArray type = png.mid(pos + 4, 4);
        if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
            const QByteArray payload = png.mid(pos + 8, length);
            keywords << QString::fromLatin1(payload.left(payload.indexOf('\0')));
        }
        pos += 12 + qsizetype(length);
    }
    return keywords;
}

bool samePixels(const QByteArray &a, const QByteArray &b)
{
    const QImage first = QImage::fromData(a).convertToFormat(QImage::Format_ARGB32);
    const QImage second = QImage::fromData(b).convertToFormat(QImage::Format_ARGB32);
    return !first.isNull() && first == second;
}

} // namespace pygmi::test::samples
