#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pygmi::server {

// A fully read request, detached from Beast so that handlers compile without it and can run
// on worker threads while the connection waits.
struct HttpRequest
{
    std::string method; // upper case; HEAD arrives as GET with isHead set
    bool isHead = false;
    std::string path; // without the query
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers; // names lower case
    std::string body;
    std::string remoteAddress;
    std::map<std::string, std::string> pathParams;

    // First value of a header (name in any case), empty when absent.
    std::string_view header(std::string_view name) const;
    // The token of "Authorization: Bearer <token>", empty when absent or malformed.
    std::string bearerToken() const;
    // The percent-decoded value of a query parameter; nullopt when absent.
    std::optional<std::string> queryValue(std::string_view name) const;
};

} // namespace pygmi::server
