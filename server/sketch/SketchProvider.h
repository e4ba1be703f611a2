#pragma once

#include "generation/GenerationProvider.h"

#include <chrono>

namespace pygmi::server {

// The built-in offline sketch engine: draws procedural images and short videos from the words of
// the prompt, the style and the seed (same inputs → same image bytes). It is not an AI model and
// says so. `stepDelay` slows each step down so progress is visible in the app (0 in tests).
class SketchProvider : public GenerationProvider
{
public:
    SketchProvider(QString location, std::chrono::milliseconds stepDelay);

    ProviderInfo info() const override;
    std::unique_ptr<ProviderRun> submit(const GenerationSpec &spec, ProviderCallbacks &callbacks) override;

    static constexpr int kImageSteps = 12;
    static constexpr int kPreviewMaxSide = 256;
    // How much of a reference shows at strength 1: the prompt's scene still shows through.
    static constexpr float kReferenceWeight = 0.85f;

private:
    QString m_location;
    std::chrono::milliseconds m_stepDelay;
};

} // namespace pygmi::server
