#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pygmi::media {

enum class MediaKind { Unknown, Png, Jpeg, WebP, WebM, Mp4 };

struct ImageSize
{
    int width = 0;
    int height = 0;
};

// What a file is, judged from its bytes only (never from its name or a declared type), and how
// large an image says it is before anything decodes it.
class MediaProbe
{
public:
    // Needs the first 64 bytes or so; fewer bytes may give Unknown.
    static MediaKind sniff(const std::uint8_t *data, std::size_t size);
    static bool isImage(MediaKind kind)
    {
        return kind == MediaKind::Png || kind == MediaKind::Jpeg || kind == MediaKind::WebP;
    }
    static bool isVideo(MediaKind kind) { return kind == MediaKind::WebM || kind == MediaKind::Mp4; }
    static std::string_view mimeType(MediaKind kind);

    // Width and height from the PNG IHDR, the JPEG SOF or the WebP VP8/VP8L/VP8X header. nullopt
    // when the header is missing or malformed.
    static std::optional<ImageSize> imageSize(const std::uint8_t *data, std::size_t size, MediaKind kind);
};

} // namespace pygmi::media
