#include "MediaEncoder.h"

#include "common/Logging.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cstring>

namespace pygmi::server {

namespace {

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
using CodecPtr = std::unique_ptr<AVCodecContext, CodecDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

// FFmpeg's own chatter (e.g. swscale's note on full-range JPEG formats) is not for the server log.
const bool s_quiet = [] {
    av_log_set_level(AV_LOG_ERROR);
    return true;
}();

FramePtr makeFrame(AVPixelFormat format, int width, int height)
{
    FramePtr frame(av_frame_alloc());
    frame->format = format;
    frame->width = width;
    frame->height = height;
    if (av_frame_get_buffer(frame.get(), 0) < 0)
        return nullptr;
    return frame;
}

// Converts (and scales) packed RGB24 into `frame`.
bool convert(const std::vector<std::uint8_t> &rgb, int width, int height, AVFrame *frame)
{
    SwsPtr sws(sws_getContext(width, height, AV_PIX_FMT_RGB24, frame->width, frame->height,
                              static_cast<AVPixelFormat>(frame->format), SWS_BICUBIC | SWS_ACCURATE_RND, nullptr,
                              nullptr, nullptr));
    if (!sws)
        return false;
    const std::uint8_t *source[1] = { rgb.data() };
    const int stride[1] = { width * 3 };
    return sws_scale(sws.get(), source, stride, 0, height, frame->data, frame->linesize) == frame->height;
}

// Encodes one frame with a still-image encoder and returns the single packet.
QByteArray encodeStill(const AVCodec *codec, CodecPtr context, AVFrame *frame)
{
    if (avcodec_open2(context.get(), codec, nullptr) < 0)
        return {};
    PacketPtr packet(av_packet_alloc());
    QByteArray out;
    if (avcodec_send_frame(context.get(), frame) < 0 || avcodec_send_frame(context.get(), nullptr) < 0)
        return {};
    while (avcodec_receive_packet(context.get(), packet.get()) == 0) {
        out.append(reinterpret_cast<const char *>(packet->data), packet->size);
        av_packet_unref(packet.get());
    }
    return out;
}

} // namespace

QByteArray MediaEncoder::png(const std::vector<std::uint8_t> &rgb, int width, int height)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!codec)
        return {};
    CodecPtr context(avcodec_alloc_context3(codec));
    context->width = width;
    context->height = height;
    context->pix_fmt = AV_PIX_FMT_RGB24;
    context->time_base = { 1, 1 };
    context->compression_level = 6;
    FramePtr frame = makeFrame(AV_PIX_FMT_RGB24, width, height);
    if (!frame)
        return {};
    for (int y = 0; y < height; ++y)
        std::memcpy(frame->data[0] + y * frame->linesize[0], rgb.data() + std::size_t(y) * width * 3, width * 3);
    return encodeStill(codec, std::move(context), frame.get());
}

QByteArray MediaEncoder::jpegPreview(const std::vector<std::uint8_t> &rgb, int width, int height, int maxSide,
                                     int *outWidth, int *outHeight)
{
    const double scale = std::min(1.0, double(maxSide) / double(std::max(width, height)));
    // Even sizes: 4:2:0 chroma halves them.
    const int w = std::max(2, int(width * scale) & ~1);
    const int h = std::max(2, int(height * scale) & ~1);
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (!codec)
        return {};
    CodecPtr context(avcodec_alloc_context3(codec));
    context->width = w;
    context->height = h;
    context->pix_fmt = AV_PIX_FMT_YUVJ420P;
    context->time_base = { 1, 1 };
    context->flags |= AV_CODEC_FLAG_QSCALE;
    context->global_quality = FF_QP2LAMBDA * 5;
    FramePtr frame = makeFrame(AV_PIX_FMT_YUVJ420P, w, h);
    if (!frame || !convert(rgb, width, height, frame.get()))
        return {};
    frame->quality = context->global_quality;
    *outWidth = w;
    *outHeight = h;
    return encodeStill(codec, std::move(context), frame.get());
}

struct WebmWriter::Impl
{
    // The container is written to memory through a seekable custom I/O, so the muxer can go
    // back and fill in the duration and cues as it would in a file.
    std::vector<std::uint8_t> bytes;
    std::int64_t position = 0;
    AVFormatContext *format = nullptr;
    AVIOContext *io = nullptr;
    CodecPtr codec;
    AVStream *stream = nullptr;
    FramePtr frame;
    PacketPtr packet;
    std::int64_t nextPts = 0;
    int width = 0;
    int height = 0;

    ~Impl()
    {
        if (format)
            avformat_free_context(format);
        if (io) {
            av_freep(&io->buffer);
            avio_context_free(&io);
        }
    }

    static int writePacket(void *opaque, std::uint8_t *data, int size)
    {
        auto *self = static_cast<Impl *>(opaque);
        const std::size_t end = std::size_t(self->position) + std::size_t(size);
        if (end > self->bytes.size())
            self->bytes.resize(end);
        std::memcpy(self->bytes.data() + self->position, data, std::size_t(size));
        self->position = std::int64_t(end);
        return size;
    }

    static std::int64_t seek(void *opaque, std::int64_t offset, int whence)
    {
        auto *self = static_cast<Impl *>(opaque);
        if (whence & AVSEEK_SIZE)
            return std::int64_t(self->bytes.size());
        whence &= ~AVSEEK_FORCE;
        std::int64_t target = offset;
        if (whence == SEEK_CUR)
            target = self->position + offset;
        else if (whence == SEEK_END)
            target = std::int64_t(self->bytes.size()) + offset;
        if (target < 0)
            return -1;
        self->position = target;
        return target;
    }

    bool drain()
    {
        for (;;) {
            const int received = avcodec_receive_packet(codec.get(), packet.get());
            if (received == AVERROR(EAGAIN) || received == AVERROR_EOF)
                return true;
            if (received < 0)
                return false;
            av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
            packet->stream_index = stream->index;
            if (av_interleaved_write_frame(format, packet.get()) < 0)
                return false;
        }
    }
};

WebmWriter::WebmWriter()
    : m_impl(std::make_unique<Impl>())
{ }

WebmWriter::~WebmWriter() = default;

bool WebmWriter::open(int width, int height, int fps)
{
    Impl &d = *m_impl;
    d.width = width;
    d.height = height;
    const AVCodec *codec = avcodec_find_encoder_by_name("libvpx-vp9");
    if (!codec)
        codec = avcodec_find_encoder(AV_CODEC_ID_VP9);
    if (!codec || avformat_alloc_output_context2(&d.format, nullptr, "webm", nullptr) < 0) {
        qCWarning(lcGeneration) << "no VP9 encoder or WebM muxer in this FFmpeg";
        return false;
    }
    constexpr int kIoBuffer = 64 * 1024;
    auto *buffer = static_cast<unsigned char *>(av_malloc(kIoBuffer));
    d.io = avio_alloc_context(buffer, kIoBuffer, 1, &d, nullptr, &Impl::writePacket, &Impl::seek);
    d.format->pb = d.io;
    d.format->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;

    d.codec.reset(avcodec_alloc_context3(codec));
    d.codec->width = width;
    d.codec->height = height;
    d.codec->pix_fmt = AV_PIX_FMT_YUV420P;
    d.codec->time_base = { 1, fps };
    d.codec->framerate = { fps, 1 };
    d.codec->gop_size = fps * 2;
    d.codec->bit_rate = 0;
    d.codec->thread_count = 2;
    if (d.format->oformat->flags & AVFMT_GLOBALHEADER)
        d.codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    // Fast, constant-quality VP9: previews of a sketch do not need the slow presets.
    av_opt_set(d.codec->priv_data, "deadline", "realtime", 0);
    av_opt_set_int(d.codec->priv_data, "cpu-used", 8, 0);
    av_opt_set_int(d.codec->priv_data, "crf", 31, 0);
    av_opt_set_int(d.codec->priv_data, "row-mt", 1, 0);
    av_opt_set_int(d.codec->priv_data, "lag-in-frames", 0, 0);
    if (avcodec_open2(d.codec.get(), codec, nullptr) < 0) {
        qCWarning(lcGeneration) << "cannot open the VP9 encoder";
        return false;
    }
    d.stream = avformat_new_stream(d.format, nullptr);
    d.stream->time_base = d.codec->time_base;
    d.stream->avg_frame_rate = d.codec->framerate;
    avcodec_parameters_from_context(d.stream->codecpar, d.codec.get());
    if (avformat_write_header(d.format, nullptr) < 0) {
        qCWarning(lcGeneration) << "cannot write the WebM header";
        return false;
    }
    d.frame = makeFrame(AV_PIX_FMT_YUV420P, width, height);
    d.packet.reset(av_packet_alloc());
    return d.frame != nullptr;
}

bool WebmWriter::addFrame(const std::vector<std::uint8_t> &rgb)
{
    Impl &d = *m_impl;
    if (av_frame_make_writable(d.frame.get()) < 0 || !convert(rgb, d.width, d.height, d.frame.get()))
        return false;
    d.frame->pts = d.nextPts++;
    return avcodec_send_frame(d.codec.get(), d.frame.get()) >= 0 && d.drain();
}

QByteArray WebmWriter::finish()
{
    Impl &d = *m_impl;
    if (avcodec_send_frame(d.codec.get(), nullptr) < 0 || !d.drain())
        return {};
    if (av_write_trailer(d.format) < 0)
        return {};
    avio_flush(d.io);
    return QByteArray(reinterpret_cast<const char *>(d.bytes.data()), qsizetype(d.bytes.size()));
}

} // namespace pygmi::server
