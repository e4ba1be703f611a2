#pragma once

#include "SketchCanvas.h"

#include <QString>
#include <cstdint>
#include <functional>
#include <vector>

namespace pygmi::server {

// A procedural picture planned from the words of a prompt, the style and the seed: palette (colour
// and mood words), themes (mountains, water, city, forest, sky objects, abstract shapes) and
// texture. Painting is split into layers so a render can report progress and show previews, and
// every layer takes a time t in [0, 1) so the same scene can move for video.
class SketchScene
{
public:
    SketchScene(const QString &prompt, const QString &style, std::uint64_t seed, int index, int width, int height);

    int layerCount() const { return static_cast<int>(m_layers.size()); }
    // Paints layers [from, to) onto `canvas` at time `t`.
    void paint(SketchCanvas &canvas, int from, int to, float t) const;

    static std::uint64_t hashText(const QString &text);

private:
    using Layer = std::function<void(SketchCanvas &, float)>;
    std::vector<Layer> m_layers;
};

} // namespace pygmi::server
