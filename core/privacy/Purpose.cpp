#include "privacy/Purpose.h"

namespace pygmi::core {

QString purposeId(Purpose purpose)
{
    switch (purpose) {
    case Purpose::Necessary:
        return QStringLiteral("necessary");
    case Purpose::Analytics:
        return QStringLiteral("analytics");
    case Purpose::Advertising:
        return QStringLiteral("advertising");
    case Purpose::ModelTraining:
        return QStringLiteral("model_training");
    case Purpose::MarketingEmail:
        return QStringLiteral("marketing_email");
    }
    return QStringLiteral("necessary");
}

const QStringList &consentPurposeIds()
{
    static const QStringList ids { QStringLiteral("analytics"), QStringLiteral("advertising"),
                                   QStringLiteral("model_training"), QStringLiteral("marketing_email") };
    return ids;
}

} // namespace pygmi::core
