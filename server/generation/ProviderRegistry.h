#pragma once

#include "GenerationProvider.h"

#include <QJsonArray>
#include <memory>
#include <vector>

namespace pygmi::server {

// The providers this deployment offers, by id. Filled at start-up, read-only afterwards.
class ProviderRegistry
{
public:
    void add(std::unique_ptr<GenerationProvider> provider);
    GenerationProvider *find(const QString &id) const;
    // GET /v1/providers' list.
    QJsonArray toJson() const;

private:
    std::vector<std::unique_ptr<GenerationProvider>> m_providers;
};

} // namespace pygmi::server
