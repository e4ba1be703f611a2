#include "MediaProbe.h"

#include <cstring>

namespace pygmi::media {

namespace {

std::uint32_t be32(const std::uint8_t *p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::uint16_t be16(const std::uint8_t *p)
{
    return std::uint16_t((p[0] << 8) | p[1]);
}

std::uint32_t le24(const std::uint8_t *p)
{
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16);
}

bool isSofMarker(std::uint8_t marker)
{
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<ImageSize> jpegSize(const std::uint8_t *data, std::size_t size)
{
    std::size_t pos = 2;
    while (pos + 4 <= size) {
        if (data[pos] != 0xFF)
            return std::nullopt;
        std::uint8_t marker = data[pos + 1];
        if (marker == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            pos += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA)
            return std::nullopt; // end of image or start of scan before any frame header
        const std::uint16_t length = be16(data + pos + 2);
        if (length < 2 || pos + 2 + length > size)
            return std::nullopt;
        if (isSofMarker(marker)) {
            if (length < 7)
                return std::nullopt;
            const int height = be16(data + pos + 5);
            const int width = be16(data + pos + 7);
            if (width == 0 || height == 0)
                return std::nullopt;
            return ImageSize { width, height };
        }
        pos += 2 + length;
    }
    return std::nullopt;
}

std::optional<ImageSize> webpSize(const std::uint8_t *data, std::size_t size)
{
    if (size < 30)
        return std::nullopt;
    const std::uint8_t *chunk = data + 12;
    const std::uint8_t *payload = chunk + 8;
    if (std::memcmp(chunk, "VP8 ", 4) == 0) {
        // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
        if (payload[3] != 0x9d || payload[4] != 0x01 || payload[5] != 0x2a)
            return std::nullopt;
        const int width = (payload[6] | (payload[7] << 8)) & 0x3fff;
        const int height = (payload[8] | (payload[9] << 8)) & 0x3fff;
        if (width == 0 || height == 0)
            return std::nullopt;
        return ImageSize { width, height };
    }
    if (std::memcmp(chunk, "VP8L", 4) == 0) {
        if (payload[0] != 0x2f)
            return std::nullopt;
        const std::uint32_t bits = std::uint32_t(payload[1]) | (std::uint32_t(payload[2]) << 8)
            | (std::uint32_t(payload[3]) << 16) | (std::uint32_t(payload[4]) << 24);
        return ImageSize { int(bits & 0x3fff) + 1, int((bits >> 14) & 0x3fff) + 1 };
    }
    if (std::memcmp(chunk, "VP8X", 4) == 0)
        return ImageSize { int(le24(payload + 4)) + 1, int(le24(payload + 7)) + 1 };
    return std::nullopt;
}

} // namespace

MediaKind MediaProbe::sniff(const std::uint8_t *data, std::size_t size)
{
    static const std::uint8_t png[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    if (size >= 8 && std::memcmp(data, png, 8) == 0)
        return MediaKind::Png;
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return MediaKind::Jpeg;
    if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0)
        return MediaKind::WebP;
    if (size >= 12 && std::memcmp(data + 4, "ftyp", 4) == 0)
        return MediaKind::Mp4;
    if (size >= 4 && data[0] == 0x1A && data[1] == 0x45 && data[2] == 0xDF && data[3] == 0xA3) {
        // An EBML header: WebM says so in its DocType, early in the file.
        const std::size_t window = size < 64 ? size : 64;
        for (std::size_t i = 4; i + 4 <= window; ++i) {
            if (std::memcmp(data + i, "webm", 4) == 0)
                return MediaKind::WebM;
        }
    }
    return MediaKind::Unknown;
}

std::string_view MediaProbe::mimeType(MediaKind kind)
{
    switch (kind) {
    case MediaKind::Png:
        return "image/png";
    case MediaKind::Jpeg:
        return "image/jpeg";
    case MediaKind::WebP:
        return "image/webp";
    case MediaKind::WebM:
        return "video/webm";
    case MediaKind::Mp4:
        return "video/mp4";
    case MediaKind::Unknown:
        break;
    }
    return "application/octet-stream";
}

std::optional<ImageSize> MediaProbe::imageSize(const std::uint8_t *data, std::size_t size, MediaKind kind)
{
    switch (kind) {
    case MediaKind::Png: {
        if (size < 24 || std::memcmp(data + 12, "IHDR", 4) != 0 || be32(data + 8) != 13)
            return std::nullopt;
        const std::uint32_t width = be32(data + 16);
        const std::uint32_t height = be32(data + 20);
        if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff)
            return std::nullopt;
        return ImageSize { int(width), int(height) };
    }
    case MediaKind::Jpeg:
        return jpegSize(data, size);
    case MediaKind::WebP:
        return webpSize(data, size);
    default:
        return std::nullopt;
    }
}

} // namespace pygmi::media
