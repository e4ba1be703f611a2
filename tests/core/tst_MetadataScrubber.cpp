// libpygmi-media on videos: MP4 udta/meta boxes (with a phone's ©xyz location) and XMP uuid boxes
// become 'free' with zeroed contents, in place and without changing the file's size; anything
// after them is untouched. Dry runs change nothing.
#include "media/MediaProbe.h"
#include "media/MetadataScrubber.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using pygmi::media::MediaKind;
using pygmi::media::MediaProbe;
using pygmi::media::MetadataScrubber;

namespace {

QByteArray box(const QByteArray &type, const QByteArray &payload)
{
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(8 + payload.size()), out.data());
    return out + type + payload;
}

QByteArray phoneMp4()
{
    const QByteArray ftyp = box("ftyp", QByteArray("isom") + QByteArray(4, '\0') + "isommp41");
    const QByteArray location = box("\xA9xyz", QByteArray("\x00\x12\x15\xC7", 4) + "+52.5200+013.4050/");
    const QByteArray udta = box("udta", location);
    const QByteArray mvhd = box("mvhd", QByteArray(100, '\x01'));
    const QByteArray trak = box("trak", box("tkhd", QByteArray(84, '\x02')) + box("meta", QByteArray("Apple Model")));
    const QByteArray moov = box("moov", mvhd + trak + udta);
    const QByteArray mdat = box("mdat", QByteArray(4096, '\x07'));
    return ftyp + moov + mdat;
}

} // namespace

class TestMetadataScrubber : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mp4LocationIsRemovedInPlace()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("phone.mp4"));
        const QByteArray original = phoneMp4();
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(original);
        file.close();
        QCOMPARE(MediaProbe::sniff(reinterpret_cast<const std::uint8_t *>(original.constData()), 64), MediaKind::Mp4);

        const auto dry = MetadataScrubber::scrubVideoFile(QFile::encodeName(path).toStdString(), true);
        QVERIFY(dry.ok);
        QVERIFY(std::find(dry.found.begin(), dry.found.end(), "location") != dry.found.end());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), original); // a dry run writes nothing
        file.close();

        const auto report = MetadataScrubber::scrubVideoFile(QFile::encodeName(path).toStdString());
        QVERIFY(report.ok);
        QCOMPARE(report.found, (std::vector<std::string> { "location", "video_metadata" }));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray scrubbed = file.readAll();
        QCOMPARE(scrubbed.size(), original.size());
        QVERIFY(!scrubbed.contains("+52.5200"));
        QVERIFY(!scrubbed.contains("Apple Model"));
        QVERIFY(!scrubbed.contains("udta"));
        QVERIFY(scrubbed.contains("mvhd") && scrubbed.contains("tkhd"));
        QCOMPARE(scrubbed.right(4096), original.right(4096)); // the media data is untouched
        // Scrubbing again finds nothing more.
        QVERIFY(MetadataScrubber::scrubVideoFile(QFile::encodeName(path).toStdString(), true).found.empty());
    }

    void truncatedMp4IsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cut.mp4"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(phoneMp4().left(200));
        file.close();
        const auto report = MetadataScrubber::scrubVideoFile(QFile::encodeName(path).toStdString());
        QVERIFY(!report.ok);
        QCOMPARE(report.errorCode, std::string("corrupt"));
    }

    void imagesThatAreNotImagesAreRefused()
    {
        std::string out;
        QCOMPARE(MetadataScrubber::scrubImage("hello, I am text", &out).errorCode, std::string("unsupported_type"));
        QCOMPARE(MetadataScrubber::scrubImage(std::string_view("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16), &out).errorCode,
                 std::string("corrupt"));
    }
};

QTEST_GUILESS_MAIN(TestMetadataScrubber)
#include "tst_MetadataScrubber.moc"
