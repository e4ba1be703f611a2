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

} // namespace pygmi::server
