#pragma once

#include <QString>
#include <cstdint>
#include <string>
#include <vector>

namespace pygmi::server {

// Country of a client address, for the devices list. This server ships no GeoIP database: without
// one every session says "unknown". A deployment may give a CSV of "CIDR,country code" lines
// (--country-db). Only the two-letter code is stored, never the address.
class CountryLookup
{
public:
    bool load(const QString &path, QString *error);
    // "DE", "US", ... or "unknown".
    QString countryOf(const std::string &address) const;
    bool isLoaded() const { return !m_ranges.empty(); }

private:
    struct Range
    {
        std::uint8_t network[16];
        int prefix; // over the 128-bit form (IPv4 mapped into ::ffff:0:0/96)
        QString country;
    };
    std::vector<Range> m_ranges;
};

} // namespace pygmi::server
