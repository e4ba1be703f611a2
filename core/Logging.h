#pragma once

#include <QLoggingCategory>

// One category per area so a developer can turn on exactly the part they debug
// (QT_LOGGING_RULES="pygmi.core.api.debug=true"). Nothing logged here may contain a token,
// password, secret or prompt text.
namespace pygmi::core {

Q_DECLARE_LOGGING_CATEGORY(lcApi)
Q_DECLARE_LOGGING_CATEGORY(lcSession)
Q_DECLARE_LOGGING_CATEGORY(lcLocalServer)
Q_DECLARE_LOGGING_CATEGORY(lcPrivacy)
Q_DECLARE_LOGGING_CATEGORY(lcTelemetry)

} // namespace pygmi::core
