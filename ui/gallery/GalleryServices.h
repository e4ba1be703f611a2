#pragma once

namespace pygmi::core {
class AssetCache;
class EventStream;
class GalleryCache;
class GalleryService;
class ThumbnailLoader;
} // namespace pygmi::core

namespace pygmi::ui {

// What the Gallery page works with, built by the composition root.
struct GalleryServices
{
    core::GalleryService *gallery = nullptr;
    core::GalleryCache *cache = nullptr;
    core::ThumbnailLoader *thumbnails = nullptr;
    core::EventStream *events = nullptr; // live updates (may be null in tests that need none)
    core::AssetCache *assets = nullptr; // originals for download and the viewer

    bool isComplete() const { return gallery && cache && thumbnails && assets; }
};

} // namespace pygmi::ui
