// Sketch videos: VP9 in WebM with the requested size, duration and frame count (checked by
// decoding with libavformat/libavcodec, as a player would), plus a PNG poster.
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QTemporaryFile>
#include <QtTest>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

using namespace pygmi::test;
using namespace pygmi::test::generation;

namespace {

struct DecodedVideo
{
    QString container;
    AVCodecID codec = AV_CODEC_ID_NONE;
    int width = 0;
    int height = 0;
    double durationS = 0;
    int frames = 0;
    QString error;
};

DecodedVideo decode(const QByteArray &bytes)
{
    DecodedVideo out;
    QTemporaryFile file;
    if (!file.open() || file.write(bytes) != bytes.size() || !file.flush()) {
        out.error = QStringLiteral("cannot write a temporary file");
        return out;
    }
    AVFormatContext *format = nullptr;
    if (avformat_open_input(&format, QFile::encodeName(file.fileName()).constData(), nullptr, nullptr) < 0) {
        out.error = QStringLiteral("libavformat cannot open it");
        return out;
    }
    avformat_find_stream_info(format, nullptr);
    out.container = QString::fromLatin1(format->iformat->name);
    out.durationS = format->duration > 0 ? double(format->duration) / AV_TIME_BASE : 0;
    const int streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (streamIndex < 0) {
        out.error = QStringLiteral("no video stream");
        avformat_close_input(&format);
        return out;
    }
    const AVCodecParameters *parameters = format->streams[streamIndex]->codecpar;
    out.codec = parameters->codec_id;
    out.width = parameters->width;
    out.height = parameters->height;
    const AVCodec *decoder = avcodec_find_decoder(parameters->codec_id);
    AVCodecContext *context = avcodec_alloc_context3(decoder);
    avcodec_parameters_to_context(context, parameters);
    if (!decoder || avcodec_open2(context, decoder, nullptr) < 0) {
        out.error = QStringLiteral("no decoder");
    } else {
        AVPacket *packet = av_packet_alloc();
        AVFrame *frame = av_frame_alloc();
        const auto receive = [&] {
            while (avcodec_receive_frame(context, frame) == 0)
                ++out.frames;
        };
        while (av_read_frame(format, packet) >= 0) {
            if (packet->stream_index == streamIndex && avcodec_send_packet(context, packet) >= 0)
                receive();
            av_packet_unref(packet);
        }
        avcodec_send_packet(context, nullptr);
        receive();
        av_frame_free(&frame);
        av_packet_free(&packet);
    }
    avcodec_free_context(&context);
    avformat_close_input(&format);
    return out;
}

} // namespace

class TestServerVideo : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void videoDecodesAsRequested_data();
    void videoDecodesAsRequested();
    void cleanupTestCase();

private:
    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QString m_token;
};

void TestServerVideo::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0") }),
             qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    m_token = signUp(*m_api, QStringLiteral("director@example.com"));
    QVERIFY(!m_token.isEmpty());
}

void TestServerVideo::videoDecodesAsRequested_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<double>("duration");
    QTest::addColumn<int>("fps");
    QTest::newRow("2 s at 15 fps") << 160 << 120 << 2.0 << 15;
    QTest::newRow("1 s at 12 fps (shortest, slowest)") << 96 << 64 << 1.0 << 12;
    QTest::newRow("1.5 s at 30 fps") << 128 << 128 << 1.5 << 30;
}

void TestServerVideo::videoDecodesAsRequested()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(double, duration);
    QFETCH(int, fps);
    const QJsonObject body
        = videoRequest(QStringLiteral("a paper boat drifting on a river at dusk"), width, height, duration, fps, 11);
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), body, m_token).status, 201);
    const QJsonObject job = waitForFinal(*m_api, m_token, body.value(QStringLiteral("id")).toString(), 60000);
    QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    const QJsonObject asset = job.value(QStringLiteral("assets")).toArray().first().toObject();
    const int expectedFrames = qRound(duration * fps);
    QCOMPARE(asset.value(QStringLiteral("media")).toString(), QStringLiteral("video"));
    QCOMPARE(asset.value(QStringLiteral("mime")).toString(), QStringLiteral("video/webm"));
    QCOMPARE(asset.value(QStringLiteral("frame_count")).toInt(), expectedFrames);
    QCOMPARE(asset.value(QStringLiteral("fps")).toInt(), fps);
    QCOMPARE(asset.value(QStringLiteral("duration_s")).toDouble(), duration);

    const ApiReply content = m_api->get(asset.value(QStringLiteral("content_url")).toString(), m_token);
    QCOMPARE(content.status, 200);
    QCOMPARE(content.headers.value("content-type"), QByteArray("video/webm"));
    const DecodedVideo video = decode(content.body);
    QVERIFY2(video.error.isEmpty(), qPrintable(video.error));
    QVERIFY2(video.container.contains(QStringLiteral("webm")), qPrintable(video.container));
    QCOMPARE(video.codec, AV_CODEC_ID_VP9);
    QCOMPARE(video.width, width);
    QCOMPARE(video.height, height);
    QCOMPARE(video.frames, expectedFrames);
    QVERIFY2(qAbs(video.durationS - duration) < 0.1, qPrintable(QString::number(video.durationS)));

    const ApiReply poster = m_api->get(asset.value(QStringLiteral("poster_url")).toString(), m_token);
    QCOMPARE(poster.status, 200);
    QCOMPARE(poster.headers.value("content-type"), QByteArray("image/png"));
    QVERIFY(poster.body.startsWith("\x89PNG"));
    // PNG IHDR: width and height as big-endian 32-bit numbers at bytes 16 and 20.
    const auto be32 = [&](int at) {
        return (uchar(poster.body[at]) << 24) | (uchar(poster.body[at + 1]) << 16) | (uchar(poster.body[at + 2]) << 8)
            | uchar(poster.body[at + 3]);
    };
    QCOMPARE(be32(16), width);
    QCOMPARE(be32(20), height);
}

void TestServerVideo::cleanupTestCase()
{
    m_server.stop();
}

QTEST_GUILESS_MAIN(TestServerVideo)
#include "tst_ServerVideo.moc"
