#pragma once

#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace pygmi::server {

// A decoded picture, packed RGB24.
struct DecodedFrame
{
    int sourceWidth = 0; // the file's own size
    int sourceHeight = 0;
    int width = 0; // of `rgb`
    int height = 0;
    std::vector<std::uint8_t> rgb;
};

// Decodes the first picture of an image or video file with FFmpeg (no Qt Gui on the server),
// scaled to fit `maxSide`. The size is checked against `maxPixels` before any decoding, so a
// decompression bomb costs nothing.
class MediaDecoder
{
public:
    static std::optional<DecodedFrame> firstFrame(const QString &path, int maxSide, std::int64_t maxPixels,
                                                  QString *error);
};

} // namespace pygmi::server
