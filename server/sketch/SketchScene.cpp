#include "SketchScene.h"

#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <algorithm>
#include <cmath>
#include <map>

namespace pygmi::server {

namespace {

constexpr float kTau = 6.2831853f;

// splitmix64: small, fast, and the same on every platform (unlike <random>'s distributions).
class Random
{
public:
    explicit Random(std::uint64_t seed)
        : m_state(seed)
    { }
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    float uniform() { return float(next() >> 40) / float(1ULL << 24); }
    float range(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    int integer(int lo, int hi) { return lo + int(next() % std::uint64_t(hi - lo + 1)); }
    bool chance(float p) { return uniform() < p; }

private:
    std::uint64_t m_state;
};

// Smooth 1-D value noise with octaves, for ridgelines.
float noise1(std::uint64_t seed, float x)
{
    const auto value = [seed](long long i) {
        Random r(seed ^ (std::uint64_t(i) * 0x9e3779b97f4a7c15ULL));
        return r.uniform() * 2.0f - 1.0f;
    };
    const long long i = static_cast<long long>(std::floor(x));
    const float f = x - float(i);
    const float u = f * f * (3.0f - 2.0f * f);
    return value(i) + (value(i + 1) - value(i)) * u;
}

float fbm(std::uint64_t seed, float x, int octaves)
{
    float sum = 0, amplitude = 0.5f, frequency = 1.0f;
    for (int o = 0; o < octaves; ++o) {
        sum += amplitude * noise1(seed + std::uint64_t(o) * 7919, x * frequency);
        amplitude *= 0.5f;
        frequency *= 2.03f;
    }
    return sum;
}

const std::map<QString, float> &colourHues()
{
    static const std::map<QString, float> hues {
        { QStringLiteral("red"), 2 },         { QStringLiteral("crimson"), 350 }, { QStringLiteral("ruby"), 345 },
        { QStringLiteral("fire"), 15 },       { QStringLiteral("orange"), 28 },   { QStringLiteral("amber"), 38 },
        { QStringLiteral("autumn"), 25 },     { QStringLiteral("gold"), 45 },     { QStringLiteral("golden"), 45 },
        { QStringLiteral("yellow"), 55 },     { QStringLiteral("lemon"), 58 },    { QStringLiteral("lime"), 85 },
        { QStringLiteral("green"), 120 },     { QStringLiteral("forest"), 130 },  { QStringLiteral("emerald"), 145 },
        { QStringLiteral("jade"), 155 },      { QStringLiteral("mint"), 160 },    { QStringLiteral("teal"), 178 },
        { QStringLiteral("turquoise"), 175 }, { QStringLiteral("cyan"), 188 },    { QStringLiteral("ice"), 195 },
        { QStringLiteral("sky"), 205 },       { QStringLiteral("ocean"), 210 },   { QStringLiteral("sea"), 205 },
        { QStringLiteral("blue"), 222 },      { QStringLiteral("azure"), 215 },   { QStringLiteral("navy"), 232 },
        { QStringLiteral("indigo"), 252 },    { QStringLiteral("violet"), 272 },  { QStringLiteral("purple"), 282 },
        { QStringLiteral("lavender"), 268 },  { QStringLiteral("magenta"), 305 }, { QStringLiteral("pink"), 330 },
        { QStringLiteral("rose"), 340 },      { QStringLiteral("sunset"), 18 },   { QStringLiteral("dawn"), 30 },
        { QStringLiteral("desert"), 35 },     { QStringLiteral("sand"), 40 },     { QStringLiteral("neon"), 300 },
    };
    return hues;
}

bool hasAny(const QSet<QString> &words, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        if (words.contains(QString::fromLatin1(key)))
            return true;
    }
    return false;
}

} // namespace

std::uint64_t SketchScene::hashText(const QString &text)
{
    std::uint64_t hash = 1469598103934665603ULL; // FNV-1a over UTF-8
    for (const char c : text.toUtf8()) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return hash;
}

SketchScene::SketchScene(const QString &prompt, const QString &style, std::uint64_t seed, int index, int width,
                         int height)
{
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    const QStringList wordList = prompt.toLower().split(separators, Qt::SkipEmptyParts);
    QSet<QString> words;
    for (QString word : wordList) {
        if (word.size() > 3 && word.endsWith(u's') && !word.endsWith(QLatin1String("ss")))
            words.insert(word.left(word.size() - 1)); // "mountains" → "mountain"
        words.insert(word);
    }
    const QString styleId = style.toLower();
    const std::uint64_t promptHash = hashText(wordList.join(u' '));
    Random rng(promptHash ^ (seed * 0x2545f4914f6cdd1dULL) ^ (std::uint64_t(index + 1) * 0x632be59bd9b4e019ULL));
    const float w = float(width), h = float(height), unit = std::min(w, h);

    // Palette: colour words set the hue; every other word nudges it, so any prompt has its own.
    float sx = 0, sy = 0;
    int colourWords = 0;
    for (const QString &word : wordList) {
        const auto it = colourHues().find(word);
        if (it != colourHues().end()) {
            sx += std::cos(it->second / 360.0f * kTau);
            sy += std::sin(it->second / 360.0f * kTau);
            ++colourWords;
        }
    }
    float hue = colourWords > 0 ? std::atan2(sy, sx) / kTau * 360.0f : float(promptHash % 360);
    hue += rng.range(-12.0f, 12.0f);
    const bool night = hasAny(words, { "night", "midnight", "dark", "space", "galaxy", "star", "moon", "noir" });
    const bool dusk = hasAny(words, { "sunset", "dusk", "dawn", "sunrise", "evening" });
    const bool pastel = hasAny(words, { "pastel", "soft", "dreamy", "misty", "fog", "foggy", "calm" })
        || styleId.contains(QLatin1String("pastel")) || styleId.contains(QLatin1String("watercolor"));
    const bool vivid = hasAny(words, { "vivid", "neon", "bright", "vibrant", "electric", "sunny" })
        || styleId.contains(QLatin1String("vivid"));
    const bool mono = styleId.contains(QLatin1String("noir")) || hasAny(words, { "monochrome", "noir" });
    float saturation = pastel ? 0.35f : vivid ? 0.85f : 0.6f;
    float value = night ? 0.45f : 0.95f;
    if (mono)
        saturation = 0.05f;
    const float harmony = rng.chance(0.5f) ? 150.0f : 200.0f; // complementary-ish accent

    // Night skies lean towards blue whatever the colour words say; those still tint the rest.
    const float skyHue = night ? hue * 0.3f + 228.0f * 0.7f : hue;
    const Rgb skyTop = night ? Rgb::fromHsv(skyHue + 10, saturation * 0.9f + 0.1f, 0.14f)
                             : Rgb::fromHsv(hue + (dusk ? 250 : 15), saturation * 0.55f, value * 0.62f);
    const Rgb skyBottom = night ? Rgb::fromHsv(skyHue - 10, saturation * 0.7f, 0.4f)
                                : Rgb::fromHsv(hue + (dusk ? 10 : -25), saturation * (dusk ? 0.9f : 0.35f), value);
    const Rgb accent = Rgb::fromHsv(hue + harmony, std::min(1.0f, saturation + 0.15f), std::min(1.0f, value + 0.05f));
    const Rgb midTone = Rgb::fromHsv(hue + 35, saturation * 0.8f, value * 0.6f);
    const Rgb deep = Rgb::fromHsv(hue - 15, std::min(1.0f, saturation + 0.1f), value * 0.22f);
    const Rgb light = Rgb::fromHsv(hue + 50, saturation * 0.3f, 1.0f);

    // Themes from the words; prompts that name none get two picked by their own hash.
    bool mountains = hasAny(words, { "mountain", "hill", "peak", "valley", "landscape", "alps", "canyon", "cliff",
                                     "desert", "dune" });
    bool water = hasAny(words, { "sea", "ocean", "lake", "river", "water", "wave", "beach", "harbor", "harbour" });
    bool city = hasAny(words, { "city", "building", "tower", "skyline", "street", "town", "skyscraper", "castle" });
    bool forest = hasAny(words, { "forest", "tree", "wood", "woods", "pine", "jungle", "garden", "flower" });
    bool abstract = hasAny(words, { "abstract", "geometric", "shape", "pattern", "circle", "triangle", "cube" });
    const bool sunWord = hasAny(words, { "sun", "sunset", "sunrise", "dawn", "moon", "planet", "orb" });
    const bool stars = night || hasAny(words, { "star", "galaxy", "cosmic", "universe" });
    const bool bubbles = hasAny(words, { "bubble", "snow", "rain", "firefly", "sparkle", "dust", "magic" });
    if (!mountains && !water && !city && !forest && !abstract) {
        const int pick = int(promptHash % 10);
        const bool pairs[10][5]
            = { { 1, 1, 0, 0, 0 }, { 1, 0, 0, 1, 0 }, { 0, 1, 1, 0, 0 }, { 0, 0, 0, 0, 1 }, { 1, 0, 0, 0, 1 },
                { 0, 1, 0, 0, 1 }, { 1, 1, 0, 1, 0 }, { 0, 0, 1, 0, 1 }, { 1, 0, 1, 0, 0 }, { 0, 1, 0, 1, 0 } };
        mountains = pairs[pick][0];
        water = pairs[pick][1];
        city = pairs[pick][2];
        forest = pairs[pick][3];
        abstract = pairs[pick][4];
    }
    const float horizon = h * (water ? rng.range(0.52f, 0.62f) : rng.range(0.6f, 0.75f));
    const std::uint64_t layerSeed = rng.next();

    // 1. Sky.
    m_layers.push_back([=](SketchCanvas &c, float) { c.verticalGradient(skyTop, skyBottom); });

    // 2. Stars.
    if (stars) {
        const int count = int(unit * unit / 900.0f) + 40;
        m_layers.push_back([=](SketchCanvas &c, float t) {
            Random r(layerSeed ^ 0x57a25ULL);
            for (int i = 0; i < count; ++i) {
                const float x = r.range(0, w), y = r.range(0, horizon * 0.95f);
                const float size = r.range(0.4f, 1.4f) * unit / 600.0f + 0.35f;
                const float twinkle = 0.55f + 0.45f * std::sin((t * r.range(1.0f, 4.0f) + r.uniform()) * kTau);
                c.disc(x, y, size, light, r.range(0.4f, 1.0f) * twinkle, 0.8f);
            }
        });
    }

    // 3. Sun, moon or planet, with a wide glow.
    if (sunWord || !night || rng.chance(0.6f)) {
        const float sunX = rng.range(0.2f, 0.8f) * w;
        const float sunY = horizon - rng.range(0.12f, 0.4f) * h;
        const float radius = unit * rng.range(0.07f, 0.15f);
        const Rgb sunColour = night ? Rgb::fromHsv(hue + 40, 0.12f, 1.0f) : Rgb::fromHsv(hue + 35, 0.55f, 1.0f);
        const bool ringed = hasAny(words, { "planet", "saturn" }) || (night && rng.chance(0.3f));
        m_layers.push_back([=](SketchCanvas &c, float t) {
            const float x = sunX + (t - 0.5f) * w * 0.12f;
            const float y = sunY + std::sin(t * kTau * 0.5f) * h * 0.02f;
            c.glow(x, y, radius * 5.0f, sunColour, 0.35f);
            c.disc(x, y, radius, sunColour, 0.95f, 1.2f);
            if (ringed)
                c.ring(x, y, radius * 1.7f, radius * 0.12f, sunColour.mix(accent, 0.4f), 0.7f);
        });
    }

    // 4. Abstract shapes: translucent circles, triangles and bars in the palette.
    if (abstract) {
        const int count = 6 + int(promptHash % 7);
        m_layers.push_back([=](SketchCanvas &c, float t) {
            Random r(layerSeed ^ 0xab57ULL);
            for (int i = 0; i < count; ++i) {
                const float x = r.range(-0.1f, 1.1f) * w, y = r.range(0.05f, 0.95f) * h;
                const float size = unit * r.range(0.08f, 0.32f);
                const Rgb colour = accent.mix(midTone, r.uniform()).mix(light, r.range(0, 0.3f));
                const float alpha = r.range(0.35f, 0.75f);
                const float drift = std::sin((t + r.uniform()) * kTau) * unit * 0.03f;
                const float angle = r.range(0, kTau) + t * kTau * r.range(-0.25f, 0.25f);
                switch (r.integer(0, 2)) {
                case 0:
                    c.disc(x + drift, y, size * 0.6f, colour, alpha);
                    break;
                case 1: {
                    std::vector<float> points;
                    for (int k = 0; k < 3; ++k) {
                        const float a = angle + k * kTau / 3.0f;
                        points.push_back(x + std::cos(a) * size * 0.7f);
                        points.push_back(y + drift + std::sin(a) * size * 0.7f);
                    }
                    c.convexPolygon(points, colour, alpha);
                    break;
                }
                default: {
                    const float ca = std::cos(angle), sa = std::sin(angle);
                    const float hw = size * 0.9f, hh = size * 0.12f;
                    c.convexPolygon({ x - ca * hw + sa * hh, y + drift - sa * hw - ca * hh, x + ca * hw + sa * hh,
                                      y + drift + sa * hw - ca * hh, x + ca * hw - sa * hh,
                                      y + drift + sa * hw + ca * hh, x - ca * hw - sa * hh,
                                      y + drift - sa * hw + ca * hh },
                                    colour, alpha);
                }
                }
            }
        });
    }

    // 5. Mountain ranges, far ones paler (aerial perspective), drifting apart slowly in video.
    if (mountains) {
        const int ranges = 2 + int(promptHash % 3);
        for (int i = 0; i < ranges; ++i) {
            const float depth = float(i) / float(ranges); // 0 = farthest
            const float base = horizon - h * (0.18f - depth * 0.12f);
            const float amplitude = h * (0.22f - depth * 0.08f);
            const float roughness = rng.range(1.5f, 3.5f);
            const std::uint64_t ridgeSeed = rng.next();
            const Rgb top = skyBottom.mix(deep, 0.25f + depth * 0.6f).mix(midTone, 0.2f);
            const Rgb bottom = skyBottom.mix(deep, 0.5f + depth * 0.5f);
            m_layers.push_back([=](SketchCanvas &c, float t) {
                std::vector<float> profile(std::size_t(c.width()));
                const float shift = t * (0.05f + depth * 0.15f);
                for (int x = 0; x < c.width(); ++x) {
                    const float u = float(x) / w + shift;
                    profile[std::size_t(x)] = base - amplitude * (0.6f + fbm(ridgeSeed, u * roughness, 6));
                }
                c.ridge(profile, top, bottom, 1.0f);
            });
        }
    }

    // 6. City skyline with lit windows.
    if (city) {
        const int buildings = 8 + int(promptHash % 9);
        m_layers.push_back([=](SketchCanvas &c, float t) {
            Random r(layerSeed ^ 0xc17ULL);
            const Rgb body = deep.mix(midTone, 0.25f);
            const Rgb window = Rgb::fromHsv(hue + 40, 0.5f, 1.0f);
            float x = -r.range(0, 0.05f) * w;
            for (int i = 0; i < buildings * 2 && x < w; ++i) {
                const float bw = w / float(buildings) * r.range(0.5f, 1.2f);
                const float bh = h * r.range(0.12f, 0.42f);
                const float top = horizon + h * 0.04f - bh;
                c.rect(x, top, x + bw - 2, horizon + h * 0.05f, body.mix(skyBottom, r.range(0, 0.25f)), 1.0f);
                const float cell = std::max(3.0f, unit / 90.0f);
                for (float wy = top + cell; wy < horizon - cell; wy += cell * 2.2f) {
                    for (float wx = x + cell; wx < x + bw - cell * 2; wx += cell * 2) {
                        Random lit(std::uint64_t(wx * 131 + wy * 7919) ^ layerSeed);
                        const float on = lit.uniform() + 0.15f * std::sin((t + lit.uniform()) * kTau);
                        if (on > (night ? 0.45f : 0.8f))
                            c.rect(wx, wy, wx + cell, wy + cell, window, night ? 0.9f : 0.45f);
                    }
                }
                x += bw;
            }
        });
    }

    // 7. Water below the horizon, with the sky's light reflected.
    if (water) {
        const float frequency = rng.range(6.0f, 14.0f);
        m_layers.push_back([=](SketchCanvas &c, float t) {
            c.waves(horizon, h, t * 2.0f, frequency, light.mix(skyBottom, 0.3f), deep.mix(skyTop, 0.35f), 0.92f);
        });
    }

    // 8. Forest: rows of layered conifers on the ground line.
    if (forest) {
        const int rows = 2;
        for (int row = 0; row < rows; ++row) {
            m_layers.push_back([=](SketchCanvas &c, float t) {
                Random r(layerSeed ^ (0xf0e57ULL + std::uint64_t(row)));
                const float ground = horizon + h * (0.03f + row * 0.08f);
                const Rgb green = Rgb::fromHsv(hue + (colourWords ? 0 : 110) + row * 12.0f, saturation * 0.7f + 0.1f,
                                               value * (0.22f + row * 0.12f));
                const int trees = 14 + row * 8;
                for (int i = 0; i < trees; ++i) {
                    const float x = r.range(-0.05f, 1.05f) * w;
                    const float th = h * r.range(0.12f, 0.25f) * (1.0f + row * 0.4f);
                    const float sway = std::sin((t + r.uniform()) * kTau) * th * 0.02f;
                    for (int tier = 0; tier < 3; ++tier) {
                        const float ty = ground - th * (0.35f + tier * 0.28f);
                        const float half = th * (0.28f - tier * 0.06f);
                        c.convexPolygon({ x + sway * (tier + 1), ty - th * 0.3f, x + half, ty + th * 0.12f, x - half,
                                          ty + th * 0.12f },
                                        green.mix(midTone, tier * 0.08f), 1.0f);
                    }
                }
                // On a shore the ground is a strip, so the water below stays visible.
                c.rect(0, ground, w, water ? ground + h * 0.035f : h, green.scaled(0.8f), 1.0f);
            });
        }
    }

    // 9. Floating particles (bubbles, snow, fireflies): always a few, many when the words ask.
    {
        const int count = bubbles ? 60 : 14;
        m_layers.push_back([=](SketchCanvas &c, float t) {
            Random r(layerSeed ^ 0xb0bULL);
            for (int i = 0; i < count; ++i) {
                const float x = r.range(0, w);
                const float y0 = r.range(0, h);
                const float y = std::fmod(y0 - t * h * r.range(0.1f, 0.3f) + h, h);
                const float size = unit * r.range(0.003f, bubbles ? 0.018f : 0.008f);
                c.glow(x, y, size * 4.0f, light, 0.25f);
                c.disc(x, y, size, light.mix(accent, r.range(0, 0.5f)), r.range(0.4f, 0.85f), 1.0f);
            }
        });
    }

    // 10. Texture: paper-like grain and a gentle vignette.
    const float grainAmount
        = styleId.contains(QLatin1String("watercolor")) || hasAny(words, { "paper", "film", "grain" }) ? 0.09f : 0.035f;
    const std::uint64_t grainSeed = rng.next();
    m_layers.push_back([=](SketchCanvas &c, float) {
        c.grain(grainSeed, grainAmount);
        c.vignette(0.35f);
    });
}

void SketchScene::paint(SketchCanvas &canvas, int from, int to, float t) const
{
    for (int i = std::max(0, from); i < std::min(to, layerCount()); ++i)
        m_layers[std::size_t(i)](canvas, t);
}

} // namespace pygmi::server
