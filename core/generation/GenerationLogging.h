#pragma once

#include <QLoggingCategory>

// Generation jobs, events and the asset cache. Never log prompt text: it is the user's content.
namespace pygmi::core {
Q_DECLARE_LOGGING_CATEGORY(lcGeneration)
Q_DECLARE_LOGGING_CATEGORY(lcEvents)
} // namespace pygmi::core
