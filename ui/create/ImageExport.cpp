#include "create/ImageExport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>

namespace pygmi::ui {

QByteArray ImageExport::formatFor(const QString &targetPath)
{
    const QString suffix = QFileInfo(targetPath).suffix().toLower();
    if (suffix == u"png")
        return "png";
    if (suffix == u"jpg" || suffix == u"jpeg")
        return "jpg";
    if (suffix == u"webp")
        return "webp";
    return {};
}

QString ImageExport::save(const QString &sourcePath, const QString &targetPath, const QByteArray &metadataJson)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("pygmi::ui::ImageExport", text); };
    const QByteArray format = formatFor(targetPath);
    if (format.isEmpty())
        return tr("Choose a file name ending in .png, .jpg or .webp.");
    QImageReader reader(sourcePath);
    reader.setAutoTransform(true);
    QImage image = reader.read();
    if (image.isNull())
        return tr("The image could not be read.");
    // Re-encoding drops whatever the source file carried; only what we add below goes in.
    if (format == "jpg")
        image = image.convertToFormat(QImage::Format_RGB32);
    QImageWriter writer(targetPath, format);
    if (format == "jpg" || format == "webp")
        writer.setQuality(92);
    if (format == "png")
        writer.setCompression(6);
    if (!metadataJson.isEmpty()) {
        // PNG: a tEXt chunk; JPEG: the comment segment. WebP has no text field in Qt's writer.
        // (No colon in the key: Qt splits "key: value" pairs on the first colon.)
        writer.setText(QStringLiteral("PygmiGeneration"), QString::fromUtf8(metadataJson));
        writer.setText(QStringLiteral("Software"), QStringLiteral("Pygmi Studio"));
    }
    if (!writer.write(image))
        return tr("The file could not be written: %1").arg(writer.errorString());
    return {};
}

} // namespace pygmi::ui
