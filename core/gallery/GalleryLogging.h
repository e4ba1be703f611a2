#pragma once

#include <QLoggingCategory>

// The gallery: pages, cache, thumbnails. Ids and counts only, never prompt text.
namespace pygmi::core {
Q_DECLARE_LOGGING_CATEGORY(lcGallery)
} // namespace pygmi::core
