#include "HttpRequest.h"

#include <algorithm>
#include <cctype>

namespace pygmi::server {

static bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view HttpRequest::header(std::string_view name) const
{
    for (const auto &[key, value] : headers) {
        if (equalsIgnoreCase(key, name))
            return value;
    }
    return {};
}

std::string HttpRequest::bearerToken() const
{
    const std::string_view value = header("authorization");
    constexpr std::string_view scheme = "bearer ";
    if (value.size() <= scheme.size() || !equalsIgnoreCase(value.substr(0, scheme.size()), scheme))
        return {};
    std::string_view token = value.substr(scheme.size());
    while (!token.empty() && token.front() == ' ')
        token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ')
        token.remove_suffix(1);
    return std::string(token);
}

std::optional<std::string> HttpRequest::queryValue(std::string_view name) const
{
    std::string_view rest = query;
    while (!rest.empty()) {
        const std::size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        const std::size_t equals = pair.find('=');
        if (pair.substr(0, equals) != name)
            continue;
        const std::string_view raw = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
        std::string value;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '+') {
                value += ' ';
            } else if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1]))
                       && std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
                value += static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                value += raw[i];
            }
        }
        return value;
    }
    return std::nullopt;
}

} // namespace pygmi::server
