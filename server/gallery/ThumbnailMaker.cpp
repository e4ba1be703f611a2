#include "ThumbnailMaker.h"

#include "sketch/MediaEncoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <vector>

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

AVCodecID codecFor(const QByteArray &bytes)
{
    if (bytes.startsWith("\x89PNG\r\n\x1a\n"))
        return AV_CODEC_ID_PNG;
    if (bytes.startsWith("\xff\xd8\xff"))
        return AV_CODEC_ID_MJPEG;
    return AV_CODEC_ID_NONE;
}

} // namespace

ThumbnailMaker::Result ThumbnailMaker::make(const QByteArray &image, int maxSide)
{
    const AVCodecID id = codecFor(image);
    if (id == AV_CODEC_ID_NONE)
        return {};
    const AVCodec *codec = avcodec_find_decoder(id);
    if (!codec)
        return {};
    std::unique_ptr<AVCodecContext, CodecDeleter> context(avcodec_alloc_context3(codec));
    if (!context || avcodec_open2(context.get(), codec, nullptr) < 0)
        return {};
    std::unique_ptr<AVPacket, PacketDeleter> packet(av_packet_alloc());
    // The decoder may read a little past the end: give it padded input.
    std::vector<std::uint8_t> input(std::size_t(image.size()) + AV_INPUT_BUFFER_PADDING_SIZE, 0);
    std::copy(image.cbegin(), image.cend(), input.begin());
    packet->data = input.data();
    packet->size = int(image.size());
    std::unique_ptr<AVFrame, FrameDeleter> frame(av_frame_alloc());
    if (avcodec_send_packet(context.get(), packet.get()) < 0)
        return {};
    avcodec_send_packet(context.get(), nullptr);
    if (avcodec_receive_frame(context.get(), frame.get()) < 0)
        return {};

    const int width = frame->width;
    const int height = frame->height;
    if (width <= 0 || height <= 0)
        return {};
    // Scale straight to the thumbnail's size here (area filter), so the encoder gets few pixels.
    const double scale = std::min(1.0, double(maxSide) / double(std::max(width, height)));
    const int w = std::max(2, int(width * scale + 0.5));
    const int h = std::max(2, int(height * scale + 0.5));
    std::unique_ptr<SwsContext, SwsDeleter> sws(sws_getContext(width, height, AVPixelFormat(frame->format), w, h,
                                                               AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
    if (!sws)
        return {};
    std::vector<std::uint8_t> rgb(std::size_t(w) * h * 3);
    std::uint8_t *planes[1] = { rgb.data() };
    const int strides[1] = { w * 3 };
    if (sws_scale(sws.get(), frame->data, frame->linesize, 0, height, planes, strides) != h)
        return {};
    Result result;
    result.jpeg = MediaEncoder::jpegPreview(rgb, w, h, maxSide, &result.width, &result.height);
    return result;
}

} // namespace pygmi::server
