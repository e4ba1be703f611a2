#pragma once

#include "MediaProbe.h"

#include <string>
#include <string_view>
#include <vector>

namespace pygmi::media {

// The outcome of removing metadata. `found` lists what was there (and is now gone) as stable
// codes, in a fixed order: location, camera, owner, capture_time, software,
// generation_parameters, text, exif, xmp, iptc, comment, other_metadata, video_metadata.
struct ScrubReport
{
    bool ok = false;
    MediaKind kind = MediaKind::Unknown;
    std::string errorCode; // unsupported_type | corrupt | metadata_remains | io_error
    std::string errorMessage; // plain English for logs and API messages
    std::vector<std::string> found;
};

// Lossless metadata removal: the structure of the file is rewritten without metadata segments
// (JPEG APPn/COM, PNG text/eXIf/tIME chunks, WebP EXIF/XMP chunks, MP4 udta/meta boxes, WebM
// Tags/Title/DateUTC), while the compressed pixel data is copied byte for byte - nothing is
// decoded or re-encoded. exiv2 finds what is there (to tell the user) and checks the result:
// anything exiv2 still sees makes the scrub fail instead of passing metadata through.
// Thread-safe; call from worker threads.
class MetadataScrubber
{
public:
    // PNG, JPEG, WebP in memory. A malformed or truncated image fails with "corrupt".
    static ScrubReport scrubImage(std::string_view input, std::string *output);
    // What scrubImage would remove, without changing anything.
    static std::vector<std::string> inspectImage(std::string_view input);

    // MP4/WebM on disk, in place and without changing the file's size: metadata boxes/elements
    // become free/Void and their contents are overwritten with zeros. With `dryRun` nothing is
    // written (the report says what would go).
    static ScrubReport scrubVideoFile(const std::string &path, bool dryRun = false);

    // Sorts finding codes into the documented order and removes duplicates.
    static void normalise(std::vector<std::string> *found);
};

} // namespace pygmi::media
