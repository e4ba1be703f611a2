#pragma once

#include "privacy/Purpose.h"

#include <QDateTime>
#include <QString>

namespace pygmi::core {

// One contact with the network as the gate saw it: where, why, and whether it went out.
// Shown under Settings so a person can see every destination the app talks to.
struct NetworkActivity
{
    QDateTime time;
    QString destination; // scheme://host:port
    QString method;
    QString path; // without the query
    Purpose purpose = Purpose::Necessary;
    bool sent = true; // false: dropped by the gate (purpose not allowed)
    bool gpc = false; // carried Sec-GPC: 1
};

} // namespace pygmi::core
