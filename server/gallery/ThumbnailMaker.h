#pragma once

#include <QByteArray>

namespace pygmi::server {

// JPEG thumbnails of stored images (PNG or JPEG; a video's PNG poster) with the FFmpeg libraries
// the sketch engine already links: libavcodec decodes, libswscale scales, the MJPEG encoder writes.
// No Qt Gui on the server.
class ThumbnailMaker
{
public:
    struct Result
    {
        QByteArray jpeg;
        int width = 0;
        int height = 0;
    };

    // Fits the image into `maxSide` x `maxSide` (never enlarges). Empty jpeg when the bytes do not
    // decode as PNG or JPEG.
    static Result make(const QByteArray &image, int maxSide);
};

} // namespace pygmi::server
