#include "MetadataScrubber.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <exiv2/exiv2.hpp>
#include <fstream>
#include <memory>
#include <mutex>

namespace pygmi::media {

namespace {

const std::array<std::string_view, 13> kOrder {
    "location", "camera", "owner", "capture_time", "software",       "generation_parameters", "text",
    "exif",     "xmp",    "iptc",  "comment",      "other_metadata", "video_metadata"
};

std::uint32_t be32(const std::uint8_t *p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::uint32_t le32(const std::uint8_t *p)
{
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

void putLe32(std::string *out, std::size_t at, std::uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        (*out)[at + i] = char((value >> (8 * i)) & 0xff);
}

ScrubReport failure(MediaKind kind, const char *code, std::string message)
{
    ScrubReport report;
    report.kind = kind;
    report.errorCode = code;
    report.errorMessage = std::move(message);
    return report;
}

// exiv2's XMP toolkit must be initialised once, with a lock, before threads use it.
std::mutex g_xmpMutex;
void xmpLock(void *, bool lock)
{
    if (lock)
        g_xmpMutex.lock();
    else
        g_xmpMutex.unlock();
}

void initialiseExiv2()
{
    static std::once_flag once;
    std::call_once(once, [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize(xmpLock, nullptr);
    });
}

bool startsWith(const std::string &text, std::string_view prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

// What exiv2 sees in an image. Empty when exiv2 cannot read it (the structural pass still runs).
std::vector<std::string> exivFindings(std::string_view input, bool *readable = nullptr)
{
    initialiseExiv2();
    std::vector<std::string> found;
    if (readable)
        *readable = false;
    try {
        auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte *>(input.data()), long(input.size()));
        if (!image.get())
            return found;
        image->readMetadata();
        if (readable)
            *readable = true;
        const Exiv2::ExifData &exif = image->exifData();
        if (!exif.empty())
            found.emplace_back("exif");
        for (const Exiv2::Exifdatum &datum : exif) {
            const std::string key = datum.key();
            const std::string tag = datum.tagName();
            if (startsWith(key, "Exif.GPSInfo."))
                found.emplace_back("location");
            else if (tag == "Make" || tag == "Model" || tag == "LensMake" || tag == "LensModel"
                     || tag == "BodySerialNumber" || tag == "LensSerialNumber" || tag == "CameraSerialNumber")
                found.emplace_back("camera");
            else if (tag == "Artist" || tag == "Copyright" || tag == "CameraOwnerName" || tag == "OwnerName")
                found.emplace_back("owner");
            else if (tag == "DateTimeOriginal" || tag == "DateTimeDigitized" || tag == "DateTime")
                found.emplace_back("capture_time");
            else if (tag == "Software" || tag == "ProcessingSoftware")
                found.emplace_back("software");
            else if (tag == "UserComment" || tag == "ImageDescription" || tag == "XPComment")
                found.emplace_back("text");
            else if (!startsWith(key, "Exif.Image.") && !startsWith(key, "Exif.Photo.")
                     && !startsWith(key, "Exif.Thumbnail.") && !startsWith(key, "Exif.Iop.")
                     && !startsWith(key, "Exif.Image2.") && !startsWith(key, "Exif.MakerNote."))
                found.emplace_back("camera"); // maker notes: camera-specific, often serial numbers
        }
        const Exiv2::XmpData &xmp = image->xmpData();
        if (!xmp.empty() || !image->xmpPacket().empty())
            found.emplace_back("xmp");
        for (const Exiv2::Xmpdatum &datum : xmp) {
            const std::string key = datum.key();
            if (key.find("GPS") != std::string::npos || key.find("Location") != std::string::npos
                || key.find(".City") != std::string::npos || key.find(".Country") != std::string::npos)
                found.emplace_back("location");
            else if (key == "Xmp.tiff.Make" || key == "Xmp.tiff.Model" || startsWith(key, "Xmp.aux."))
                found.emplace_back("camera");
            else if (key == "Xmp.dc.creator" || key == "Xmp.dc.rights")
                found.emplace_back("owner");
            else if (key == "Xmp.xmp.CreatorTool")
                found.emplace_back("software");
            else if (key == "Xmp.xmp.CreateDate" || key == "Xmp.photoshop.DateCreated")
                found.emplace_back("capture_time");
        }
        const Exiv2::IptcData &iptc = image->iptcData();
        if (!iptc.empty())
            found.emplace_back("iptc");
        for (const Exiv2::Iptcdatum &datum : iptc) {
            const std::string tag = datum.tagName();
            if (tag == "City" || tag == "SubLocation" || tag == "ProvinceState" || tag == "CountryName"
                || tag == "CountryCode")
                found.emplace_back("location");
            else if (tag == "Byline" || tag == "Copyright")
                found.emplace_back("owner");
        }
        if (!image->comment().empty())
            found.emplace_back("comment");
    } catch (const std::exception &) {
        // Unreadable for exiv2: the structural filter decides.
    }
    return found;
}

bool exivSeesMetadata(std::string_view input)
{
    initialiseExiv2();
    try {
        auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte *>(input.data()), long(input.size()));
        if (!image.get())
            return false;
        image->readMetadata();
        return !image->exifData().empty() || !image->xmpData().empty() || !image->xmpPacket().empty()
            || !image->iptcData().empty() || !image->comment().empty();
    } catch (const std::exception &) {
        return false;
    }
}

// ---- CRC-32 (PNG) -------------------------------------------------------------------------

std::uint32_t crc32(const std::uint8_t *data, std::size_t size)
{
    static const auto table = [] {
        std::array<std::uint32_t, 256> t {};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i)
        c = table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// ---- PNG ----------------------------------------------------------------------------------

std::string textKindForKeyword(std::string_view keyword)
{
    static const std::array<std::string_view, 9> generation { "parameters",     "prompt",          "workflow",
                                                              "Dream",          "sd-metadata",     "invokeai_metadata",
                                                              "invokeai_graph", "generation_data", "negative_prompt" };
    if (std::find(generation.begin(), generation.end(), keyword) != generation.end())
        return "generation_parameters";
    if (keyword == "XML:com.adobe.xmp")
        return "xmp";
    if (keyword.substr(0, 16) == "Raw profile type") {
        const std::string_view rest = keyword.substr(16);
        if (rest.find("iptc") != std::string_view::npos)
            return "iptc";
        if (rest.find("xmp") != std::string_view::npos)
            return "xmp";
        return "exif";
    }
    if (keyword == "Author" || keyword == "Copyright")
        return "owner";
    if (keyword == "Software")
        return "software";
    if (keyword == "Creation Time")
        return "capture_time";
    if (keyword == "Comment")
        return "comment";
    return "text";
}

bool scrubPng(std::string_view in, std::string *out, std::vector<std::string> *found, std::string *why)
{
    static const std::array<std::string_view, 16> keep {
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB",
        "iCCP", "sBIT", "bKGD", "hIST", "pHYs", "acTL", "fcTL", "fdAT"
    };
    const auto *data = reinterpret_cast<const std::uint8_t *>(in.data());
    const std::size_t size = in.size();
    out->assign(in.data(), 8);
    std::size_t pos = 8;
    bool sawHeader = false;
    bool sawData = false;
    while (true) {
        if (pos + 12 > size) {
            *why = "The PNG file ends early (no IEND chunk).";
            return false;
        }
        const std::uint32_t length = be32(data + pos);
        if (length > 0x7fffffff || pos + 12 + std::size_t(length) > size) {
            *why = "The PNG file ends in the middle of a chunk.";
            return false;
        }
        const std::string_view type(in.data() + pos + 4, 4);
        if (crc32(data + pos + 4, 4 + std::size_t(length)) != be32(data + pos + 8 + length)) {
            *why = "A PNG chunk is damaged (checksum mismatch).";
            return false;
        }
        if (!sawHeader && type != "IHDR") {
            *why = "The PNG file does not start with its header chunk.";
            return false;
        }
        sawHeader = true;
        const bool critical = (type[0] & 0x20) == 0;
        const bool kept = critical || std::find(keep.begin(), keep.end(), type) != keep.end();
        if (kept) {
            out->append(in.data() + pos, 12 + std::size_t(length));
        } else if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
            const std::string_view payload(in.data() + pos + 8, length);
            const std::string_view keyword = payload.substr(0, std::min(payload.find('\0'), std::size_t(79)));
            found->push_back(textKindForKeyword(keyword));
        } else if (type == "eXIf") {
            found->emplace_back("exif");
        } else if (type == "tIME") {
            found->emplace_back("capture_time");
        } else {
            found->emplace_back("other_metadata");
        }
        if (type == "IDAT")
            sawData = true;
        pos += 12 + std::size_t(length);
        if (type == "IEND")
            break;
    }
    if (!sawData) {
        *why = "The PNG file has no image data.";
        return false;
    }
    return true;
}

// ---- JPEG ---------------------------------------------------------------------------------

bool scrubJpeg(std::string_view in, std::string *out, std::vector<std::string> *found, std::string *why)
{
    const auto *data = reinterpret_cast<const std::uint8_t *>(in.data());
    const std::size_t size = in.size();
    out->assign("\xFF\xD8", 2);
    std::size_t pos = 2;
    bool sawFrame = false;
    bool sawScan = false;
    while (true) {
        if (pos + 2 > size) {
            *why = "The JPEG file ends early (no end-of-image marker).";
            return false;
        }
        if (data[pos] != 0xFF) {
            *why = "The JPEG file has a damaged segment.";
            return false;
        }
        const std::uint8_t marker = data[pos + 1];
        if (marker == 0xFF) {
            ++pos;
            continue;
        }
        if (marker == 0xD9) {
            out->append("\xFF\xD9", 2);
            break; // anything after the end of the image is dropped
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            out->append(in.data() + pos, 2);
            pos += 2;
            continue;
        }
        if (pos + 4 > size) {
            *why = "The JPEG file ends in the middle of a segment.";
            return false;
        }
        const std::size_t length = (std::size_t(data[pos + 2]) << 8) | data[pos + 3];
        if (length < 2 || pos + 2 + length > size) {
            *why = "The JPEG file ends in the middle of a segment.";
            return false;
        }
        const std::string_view payload(in.data() + pos + 4, length - 2);
        bool keep = true;
        if (marker >= 0xE0 && marker <= 0xEF) {
            keep = (marker == 0xE0 && (payload.substr(0, 5) == std::string_view("JFIF\0", 5)))
                || (marker == 0xE2 && payload.substr(0, 12) == std::string_view("ICC_PROFILE\0", 12))
                || (marker == 0xEE && payload.substr(0, 5) == "Adobe");
            if (!keep) {
                if (marker == 0xE1 && payload.substr(0, 6) == std::string_view("Exif\0\0", 6))
                    found->emplace_back("exif");
                else if (marker == 0xE1 && payload.find("ns.adobe.com/xap") != std::string_view::npos)
                    found->emplace_back("xmp");
                else if (marker == 0xED)
                    found->emplace_back("iptc");
                else
                    found->emplace_back("other_metadata");
            }
        } else if (marker == 0xFE) {
            keep = false;
            found->emplace_back("comment");
        }
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            sawFrame = true;
        if (keep)
            out->append(in.data() + pos, 2 + length);
        pos += 2 + length;
        if (marker == 0xDA) {
            sawScan = true;
            // Entropy-coded data runs to the next marker that is not a stuffed zero or a restart.
            const std::size_t start = pos;
            while (true) {
                if (pos + 1 >= size) {
                    *why = "The JPEG file ends in the middle of its image data.";
                    return false;
                }
                if (data[pos] == 0xFF && data[pos + 1] != 0x00 && !(data[pos + 1] >= 0xD0 && data[pos + 1] <= 0xD7)
                    && data[pos + 1] != 0xFF)
                    break;
                ++pos;
            }
            out->append(in.data() + start, pos - start);
        }
    }
    if (!sawFrame || !sawScan) {
        *why = "The JPEG file has no image data.";
        return false;
    }
    return true;
}

// ---- WebP ---------------------------------------------------------------------------------

bool scrubWebp(std::string_view in, std::string *out, std::vector<std::string> *found, std::string *why)
{
    const auto *data = reinterpret_cast<const std::uint8_t *>(in.data());
    const std::size_t size = in.size();
    if (size < 20) {
        *why = "The WebP file is too short.";
        return false;
    }
    const std::size_t riffEnd = std::size_t(le32(data + 4)) + 8;
    if (riffEnd > size || riffEnd < 12) {
        *why = "The WebP file ends early.";
        return false;
    }
    out->assign(in.data(), 12);
    std::size_t pos = 12;
    bool sawImage = false;
    std::size_t vp8xAt = std::string::npos;
    while (pos < riffEnd) {
        if (pos + 8 > riffEnd) {
            *why = "The WebP file ends in the middle of a chunk.";
            return false;
        }
        const std::string_view type(in.data() + pos, 4);
        const std::size_t length = le32(data + pos + 4);
        const std::size_t padded = length + (length & 1);
        if (pos + 8 + length > riffEnd) {
            *why = "The WebP file ends in the middle of a chunk.";
            return false;
        }
        const std::size_t take = std::min(8 + padded, riffEnd - pos);
        if (type == "VP8 " || type == "VP8L" || type == "ANMF" || type == "ALPH")
            sawImage = true;
        if (type == "VP8X" || type == "VP8 " || type == "VP8L" || type == "ALPH" || type == "ANIM" || type == "ANMF"
            || type == "ICCP") {
            if (type == "VP8X")
                vp8xAt = out->size();
            out->append(in.data() + pos, take);
        } else if (type == "EXIF") {
            found->emplace_back("exif");
        } else if (type == "XMP ") {
            found->emplace_back("xmp");
        } else {
            found->emplace_back("other_metadata");
        }
        pos += take;
    }
    if (!sawImage) {
        *why = "The WebP file has no image data.";
        return false;
    }
    if (vp8xAt != std::string::npos && vp8xAt + 8 < out->size())
        (*out)[vp8xAt + 8] = char(std::uint8_t((*out)[vp8xAt + 8]) & ~0x0C); // EXIF and XMP flags off
    putLe32(out, 4, std::uint32_t(out->size() - 8));
    return true;
}

// ---- Video files (in place) ---------------------------------------------------------------

class FileIo
{
public:
    bool open(const std::string &path, bool write)
    {
        m_file = std::fopen(path.c_str(), write ? "r+b" : "rb");
        if (!m_file)
            return false;
        std::fseek(m_file, 0, SEEK_END);
        m_size = std::uint64_t(ftello(m_file));
        return true;
    }
    ~FileIo()
    {
        if (m_file)
            std::fclose(m_file);
    }
    std::uint64_t size() const { return m_size; }
    bool read(std::uint64_t at, void *buffer, std::size_t n)
    {
        return fseeko(m_file, off_t(at), SEEK_SET) == 0 && std::fread(buffer, 1, n, m_file) == n;
    }
    bool write(std::uint64_t at, const void *buffer, std::size_t n)
    {
        return fseeko(m_file, off_t(at), SEEK_SET) == 0 && std::fwrite(buffer, 1, n, m_file) == n;
    }
    // Overwrites [at, at+n) with zeros.
    bool zero(std::uint64_t at, std::uint64_t n)
    {
        static const std::array<char, 64 * 1024> zeros {};
        if (fseeko(m_file, off_t(at), SEEK_SET) != 0)
            return false;
        while (n > 0) {
            const std::size_t step = std::size_t(std::min<std::uint64_t>(n, zeros.size()));
            if (std::fwrite(zeros.data(), 1, step, m_file) != step)
                return false;
            n -= step;
        }
        return true;
    }
    bool contains(std::uint64_t at, std::uint64_t n, std::string_view needle)
    {
        if (n > 16 * 1024 * 1024)
            n = 16 * 1024 * 1024;
        std::string buffer(std::size_t(n), '\0');
        if (!read(at, buffer.data(), buffer.size()))
            return false;
        return buffer.find(needle) != std::string::npos;
    }
    bool flush() { return std::fflush(m_file) == 0; }

private:
    std::FILE *m_file = nullptr;
    std::uint64_t m_size = 0;
};

struct VideoScrub
{
    FileIo &io;
    bool dryRun;
    std::vector<std::string> *found;
    bool failed = false;
};

// MP4: boxes inside [from, to). Containers that can hold metadata are walked; udta/meta (and
// XMP uuid boxes) become 'free' with zeroed contents.
void walkMp4(VideoScrub &scrub, std::uint64_t from, std::uint64_t to, int depth)
{
    static const std::uint8_t xmpUuid[16]
        = { 0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC };
    std::uint64_t pos = from;
    while (pos + 8 <= to && !scrub.failed) {
        std::uint8_t header[16];
        if (!scrub.io.read(pos, header, 8)) {
            scrub.failed = true;
            return;
        }
        std::uint64_t boxSize = be32(header);
        std::uint64_t headerSize = 8;
        const std::string type(reinterpret_cast<const char *>(header + 4), 4);
        if (boxSize == 1) {
            if (pos + 16 > to || !scrub.io.read(pos + 8, header + 8, 8)) {
                scrub.failed = true;
                return;
            }
            boxSize = (std::uint64_t(be32(header + 8)) << 32) | be32(header + 12);
            headerSize = 16;
        } else if (boxSize == 0) {
            boxSize = to - pos;
        }
        if (boxSize < headerSize || pos + boxSize > to) {
            scrub.failed = true;
            return;
        }
        const std::uint64_t payload = pos + headerSize;
        const std::uint64_t payloadSize = boxSize - headerSize;
        bool neutralise = false;
        if (type == "udta" || type == "meta") {
            neutralise = true;
            const bool located = scrub.io.contains(payload, payloadSize, "\xA9xyz")
                || scrub.io.contains(payload, payloadSize, "loci")
                || scrub.io.contains(payload, payloadSize, "location");
            if (located)
                scrub.found->emplace_back("location");
            scrub.found->emplace_back("video_metadata");
        } else if (type == "uuid" && payloadSize >= 16) {
            std::uint8_t id[16];
            if (scrub.io.read(payload, id, 16) && std::memcmp(id, xmpUuid, 16) == 0) {
                neutralise = true;
                scrub.found->emplace_back("xmp");
            }
        } else if ((type == "moov" || type == "trak") && depth < 4) {
            walkMp4(scrub, payload, pos + boxSize, depth + 1);
        }
        if (neutralise && !scrub.dryRun) {
            if (!scrub.io.write(pos + 4, "free", 4) || !scrub.io.zero(payload, payloadSize))
                scrub.failed = true;
        }
        pos += boxSize;
    }
}

// EBML variable-length integers.
bool readVint(FileIo &io, std::uint64_t at, std::uint64_t limit, bool keepMarker, std::uint64_t *value, int *length)
{
    std::uint8_t first = 0;
    if (at >= limit || !io.read(at, &first, 1) || first == 0)
        return false;
    int n = 1;
    while (n <= 8 && !(first & (0x80 >> (n - 1))))
        ++n;
    if (n > 8 || at + std::uint64_t(n) > limit)
        return false;
    std::uint8_t bytes[8] = { first };
    if (n > 1 && !io.read(at + 1, bytes + 1, std::size_t(n - 1)))
        return false;
    std::uint64_t v = keepMarker ? first : (first & (0xFF >> n));
    for (int i = 1; i < n; ++i)
        v = (v << 8) | bytes[i];
    *value = v;
    *length = n;
    return true;
}

// Turns the element at [start, start+total) into an EBML Void element filled with zeros.
bool voidElement(FileIo &io, std::uint64_t start, std::uint64_t total)
{
    if (total < 2)
        return false;
    int k = int(std::min<std::uint64_t>(8, total - 1)); // size field length
    const std::uint64_t payload = total - 1 - std::uint64_t(k);
    std::uint8_t header[9] = { 0xEC };
    std::uint64_t encoded = payload | (std::uint64_t(1) << (7 * k));
    for (int i = k; i >= 1; --i) {
        header[i] = std::uint8_t(encoded & 0xff);
        encoded >>= 8;
    }
    return io.write(start, header, std::size_t(1 + k)) && io.zero(start + 1 + std::uint64_t(k), payload);
}

constexpr std::uint64_t kEbmlSegment = 0x18538067;
constexpr std::uint64_t kEbmlInfo = 0x1549A966;
constexpr std::uint64_t kEbmlTags = 0x1254C367;
constexpr std::uint64_t kEbmlTitle = 0x7BA9;
constexpr std::uint64_t kEbmlDateUtc = 0x4461;
constexpr std::uint64_t kEbmlUnknownSize1 = 0x7F; // one-byte "unknown" size, after the marker is removed

void walkWebm(VideoScrub &scrub, std::uint64_t from, std::uint64_t to, int depth)
{
    std::uint64_t pos = from;
    while (pos < to && !scrub.failed) {
        std::uint64_t id = 0, size = 0;
        int idLength = 0, sizeLength = 0;
        if (!readVint(scrub.io, pos, to, true, &id, &idLength)
            || !readVint(scrub.io, pos + std::uint64_t(idLength), to, false, &size, &sizeLength))
            return; // trailing bytes that are not elements: leave them to the container checks
        const std::uint64_t header = std::uint64_t(idLength + sizeLength);
        const bool unknownSize = size == (std::uint64_t(1) << (7 * sizeLength)) - 1 || size == kEbmlUnknownSize1;
        if (unknownSize) {
            if (id == kEbmlSegment) {
                walkWebm(scrub, pos + header, to, depth + 1);
            }
            return; // an unknown-size element (live recording) cannot be skipped safely
        }
        if (pos + header + size > to) {
            scrub.failed = true;
            return;
        }
        const bool tags = id == kEbmlTags;
        const bool infoText = depth == 2 && (id == kEbmlTitle || id == kEbmlDateUtc);
        if (tags || infoText) {
            if (tags
                && (scrub.io.contains(pos + header, size, "LOCATION")
                    || scrub.io.contains(pos + header, size, "RECORDING_LOCATION")))
                scrub.found->emplace_back("location");
            scrub.found->emplace_back(id == kEbmlDateUtc ? "capture_time" : "video_metadata");
            if (!scrub.dryRun && !voidElement(scrub.io, pos, header + size))
                scrub.failed = true;
        } else if (id == kEbmlSegment || (id == kEbmlInfo && depth == 1)) {
            walkWebm(scrub, pos + header, pos + header + size, depth + 1);
        }
        pos += header + size;
    }
}

} // namespace

void MetadataScrubber::normalise(std::vector<std::string> *found)
{
    std::vector<std::string> ordered;
    for (std::string_view code : kOrder) {
        if (std::find(found->begin(), found->end(), code) != found->end())
            ordered.emplace_back(code);
    }
    *found = std::move(ordered);
}

std::vector<std::string> MetadataScrubber::inspectImage(std::string_view input)
{
    std::string ignored;
    ScrubReport report = scrubImage(input, &ignored);
    return report.found;
}

ScrubReport MetadataScrubber::scrubImage(std::string_view input, std::string *output)
{
    const auto *data = reinterpret_cast<const std::uint8_t *>(input.data());
    const MediaKind kind = MediaProbe::sniff(data, input.size());
    if (!MediaProbe::isImage(kind))
        return failure(kind, "unsupported_type", "Only PNG, JPEG and WebP images can be scrubbed.");

    ScrubReport report;
    report.kind = kind;
    report.found = exivFindings(input);
    std::string why;
    bool ok = false;
    switch (kind) {
    case MediaKind::Png:
        ok = scrubPng(input, output, &report.found, &why);
        break;
    case MediaKind::Jpeg:
        ok = scrubJpeg(input, output, &report.found, &why);
        break;
    case MediaKind::WebP:
        ok = scrubWebp(input, output, &report.found, &why);
        break;
    default:
        break;
    }
    normalise(&report.found);
    if (!ok) {
        output->clear();
        return failure(kind, "corrupt", why);
    }
    // Belt and braces: whatever exiv2 can still read means the filter missed something.
    if (exivSeesMetadata(*output)) {
        output->clear();
        return failure(kind, "metadata_remains", "Metadata could not be removed from this image.");
    }
    report.ok = true;
    return report;
}

ScrubReport MetadataScrubber::scrubVideoFile(const std::string &path, bool dryRun)
{
    FileIo io;
    if (!io.open(path, !dryRun))
        return failure(MediaKind::Unknown, "io_error", "The file could not be opened.");
    std::uint8_t head[64] = {};
    const std::size_t headSize = std::size_t(std::min<std::uint64_t>(sizeof head, io.size()));
    if (!io.read(0, head, headSize))
        return failure(MediaKind::Unknown, "io_error", "The file could not be read.");
    const MediaKind kind = MediaProbe::sniff(head, headSize);
    if (!MediaProbe::isVideo(kind))
        return failure(kind, "unsupported_type", "Only WebM and MP4 videos can be scrubbed.");
    ScrubReport report;
    report.kind = kind;
    VideoScrub scrub { io, dryRun, &report.found };
    if (kind == MediaKind::Mp4)
        walkMp4(scrub, 0, io.size(), 0);
    else
        walkWebm(scrub, 0, io.size(), 0);
    normalise(&report.found);
    if (scrub.failed)
        return failure(kind, "corrupt", "The video's structure is damaged or ends early.");
    if (!dryRun && !io.flush())
        return failure(kind, "io_error", "The file could not be written.");
    report.ok = true;
    return report;
}

} // namespace pygmi::media
