#pragma once

#include <QByteArray>
#include <cstdint>
#include <memory>
#include <vector>

namespace pygmi::server {

// Still images and video from raw RGB24 frames through the FFmpeg libraries: PNG (lossless,
// deterministic), small JPEG previews, and VP9 in WebM written to memory.
class MediaEncoder
{
public:
    static QByteArray png(const std::vector<std::uint8_t> &rgb, int width, int height);
    // Scaled down to fit `maxSide` (never up); the preview's size comes back in *outWidth/*outHeight.
    static QByteArray jpegPreview(const std::vector<std::uint8_t> &rgb, int width, int height, int maxSide,
                                  int *outWidth, int *outHeight);
};

// One VP9/WebM video: open(), addFrame() per frame, finish() for the file's bytes.
class WebmWriter
{
public:
    WebmWriter();
    ~WebmWriter();
    WebmWriter(const WebmWriter &) = delete;
    WebmWriter &operator=(const WebmWriter &) = delete;

    bool open(int width, int height, int fps);
    bool addFrame(const std::vector<std::uint8_t> &rgb);
    // Flushes the encoder and closes the container; empty on failure.
    QByteArray finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace pygmi::server
