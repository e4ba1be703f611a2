#include "MediaDecoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <QFile>
#include <algorithm>
#include <memory>

namespace pygmi::server {

namespace {

struct FormatDeleter
{
    void operator()(AVFormatContext *f) const { avformat_close_input(&f); }
};
struct CodecDeleter
{
    void operator()(AVCodecContext *c) const { avcodec_free_context(&c); }
};
struct FrameDeleter
{
    void operator()(AVFrame *f) const { av_frame_free(&f); }
};
struct PacketDeleter
{
    void operator()(AVPacket *p) const { av_packet_free(&p); }
};
struct SwsDeleter
{
    void operator()(SwsContext *s) const { sws_freeContext(s); }
};

} // namespace

std::optional<DecodedFrame> MediaDecoder::firstFrame(const QString &path, int maxSide, std::int64_t maxPixels,
                                                     QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    AVFormatContext *rawFormat = nullptr;
    if (avformat_open_input(&rawFormat, QFile::encodeName(path).constData(), nullptr, nullptr) < 0)
        return fail(QStringLiteral("The file could not be opened as an image or video."));
    std::unique_ptr<AVFormatContext, FormatDeleter> format(rawFormat);
    if (avformat_find_stream_info(format.get(), nullptr) < 0)
        return fail(QStringLiteral("The file's streams could not be read."));
    const int streamIndex = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (streamIndex < 0)
        return fail(QStringLiteral("The file has no picture."));
    const AVCodecParameters *parameters = format->streams[streamIndex]->codecpar;
    if (parameters->width <= 0 || parameters->height <= 0)
        return fail(QStringLiteral("The picture has no size."));
    if (std::int64_t(parameters->width) * parameters->height > maxPixels)
        return fail(QStringLiteral("The picture has too many pixels."));
    const AVCodec *codec = avcodec_find_decoder(parameters->codec_id);
    if (!codec)
        return fail(QStringLiteral("The picture's format cannot be decoded."));
    std::unique_ptr<AVCodecContext, CodecDeleter> context(avcodec_alloc_context3(codec));
    if (!context || avcodec_parameters_to_context(context.get(), parameters) < 0)
        return fail(QStringLiteral("The decoder could not be set up."));
    context->thread_count = 1;
    if (avcodec_open2(context.get(), codec, nullptr) < 0)
        return fail(QStringLiteral("The decoder could not be set up."));

    std::unique_ptr<AVPacket, PacketDeleter> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameDeleter> frame(av_frame_alloc());
    bool got = false;
    bool flushed = false;
    int packets = 0;
    while (!got) {
        const int read = flushed ? AVERROR_EOF : av_read_frame(format.get(), packet.get());
        if (read < 0) {
            if (flushed)
                break;
            flushed = true;
            avcodec_send_packet(context.get(), nullptr);
        } else {
            if (packet->stream_index != streamIndex) {
                av_packet_unref(packet.get());
                continue;
            }
            const int sent = avcodec_send_packet(context.get(), packet.get());
            av_packet_unref(packet.get());
            if (sent < 0 && sent != AVERROR(EAGAIN))
                return fail(QStringLiteral("The picture data is damaged."));
            if (++packets > 600)
                break;
        }
        const int received = avcodec_receive_frame(context.get(), frame.get());
        if (received == 0)
            got = true;
        else if (received != AVERROR(EAGAIN) && received != AVERROR_EOF)
            return fail(QStringLiteral("The picture data is damaged."));
        else if (received == AVERROR_EOF)
            break;
    }
    if (!got)
        return fail(QStringLiteral("The file holds no complete picture."));
    // Damaged frames decode partially; a reference must be whole.
    if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT))
        return fail(QStringLiteral("The picture data is damaged or incomplete."));

    DecodedFrame out;
    out.sourceWidth = frame->width;
    out.sourceHeight = frame->height;
    const double scale = std::min(1.0, double(maxSide) / double(std::max(frame->width, frame->height)));
    out.width = std::max(1, int(frame->width * scale + 0.5));
    out.height = std::max(1, int(frame->height * scale + 0.5));
    std::unique_ptr<SwsContext, SwsDeleter> sws(
        sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), out.width, out.height,
                       AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
    if (!sws)
        return fail(QStringLiteral("The picture could not be converted."));
    out.rgb.resize(std::size_t(out.width) * out.height * 3);
    std::uint8_t *destination[1] = { out.rgb.data() };
    const int stride[1] = { out.width * 3 };
    if (sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, destination, stride) != out.height)
        return fail(QStringLiteral("The picture could not be converted."));
    return out;
}

} // namespace pygmi::server
