#pragma once

namespace pygmi::core {
class AssetCache;
class EventStream;
class GenerationService;
class JobListModel;
class PromptHistory;
class ProviderCatalog;
class ReferenceLibrary;
class UploadManager;
} // namespace pygmi::core

namespace pygmi::ui {

// What the Create page works with, built by the composition root.
struct CreateServices
{
    core::GenerationService *generations = nullptr;
    core::ProviderCatalog *providers = nullptr;
    core::EventStream *events = nullptr;
    core::JobListModel *jobs = nullptr;
    core::PromptHistory *history = nullptr;
    core::AssetCache *cache = nullptr;
    // Reference uploads; the composer shows no drop zone without them.
    core::UploadManager *uploads = nullptr;
    core::ReferenceLibrary *references = nullptr;

    bool isComplete() const { return generations && providers && events && jobs && history && cache; }
};

} // namespace pygmi::ui
