#pragma once

namespace pygmi::core {
class AssetCache;
class EventStream;
class GenerationService;
class JobListModel;
class PromptHistory;
class ProviderCatalog;
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

    bool isComplete() const { return generations && providers && events && jobs && history && cache; }
};

} // namespace pygmi::ui
