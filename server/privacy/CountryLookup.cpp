#include "CountryLookup.h"

#include <QFile>
#include <QRegularExpression>
#include <boost/asio/ip/address.hpp>
#include <cstring>

namespace pygmi::server {

namespace {

bool toBytes(const std::string &text, std::uint8_t out[16])
{
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(text, ec);
    if (ec)
        return false;
    const auto v6 = address.is_v4() ? boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, address.to_v4())
                                    : address.to_v6();
    const auto bytes = v6.to_bytes();
    std::memcpy(out, bytes.data(), 16);
    return true;
}

bool inRange(const std::uint8_t address[16], const std::uint8_t network[16], int prefix)
{
    for (int bit = 0; bit < prefix; ++bit) {
        const int byte = bit / 8;
        const int mask = 0x80 >> (bit % 8);
        if ((address[byte] & mask) != (network[byte] & mask))
            return false;
    }
    return true;
}

} // namespace

bool CountryLookup::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read %1").arg(path);
        return false;
    }
    static const QRegularExpression code(QStringLiteral("^[A-Z]{2}$"));
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QStringList parts = line.split(u',');
        const QStringList cidr = parts.value(0).trimmed().split(u'/');
        Range range {};
        bool ok = parts.size() == 2 && cidr.size() == 2 && code.match(parts[1].trimmed()).hasMatch()
            && toBytes(cidr[0].toStdString(), range.network);
        bool prefixOk = false;
        int prefix = cidr.value(1).toInt(&prefixOk);
        ok = ok && prefixOk;
        if (ok && !cidr[0].contains(u':'))
            prefix += 96;
        if (!ok || prefix < 0 || prefix > 128) {
            *error = QStringLiteral("%1: not a CIDR,country line: %2").arg(path, line);
            return false;
        }
        range.prefix = prefix;
        range.country = parts[1].trimmed();
        m_ranges.push_back(range);
    }
    return true;
}

QString CountryLookup::countryOf(const std::string &address) const
{
    std::uint8_t bytes[16];
    if (m_ranges.empty() || !toBytes(address, bytes))
        return QStringLiteral("unknown");
    const Range *best = nullptr;
    for (const Range &range : m_ranges) {
        if (inRange(bytes, range.network, range.prefix) && (!best || range.prefix > best->prefix))
            best = &range;
    }
    return best ? best->country : QStringLiteral("unknown");
}

} // namespace pygmi::server
