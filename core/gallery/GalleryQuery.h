#pragma once

#include "generation/GenerationTypes.h"

#include <QDate>
#include <QString>
#include <QUrlQuery>

namespace pygmi::core {

// What the gallery shows: sort, filters and search words. The same query gives the same pages;
// key() names its pages in the local cache.
struct GalleryQuery
{
    enum class Sort { Newest, Oldest };

    Sort sort = Sort::Newest;
    QString media; // "image" | "video" | empty = both
    bool favouritesOnly = false;
    QDate from; // first day included (invalid = no bound)
    QDate to; // last day included
    QString provider;
    QString model;
    QString text; // words searched in prompts

    QUrlQuery toUrlQuery() const;
    QString key() const;
    // Whether an asset that just appeared belongs in this view (the server's rules, applied here
    // to live events so the list need not be refetched).
    bool matches(const Asset &asset) const;
    bool operator==(const GalleryQuery &other) const { return key() == other.key(); }
};

} // namespace pygmi::core
