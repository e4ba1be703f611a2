#pragma once

#include <QString>
#include <QStringList>

namespace pygmi::core {

// Why a request leaves the machine. The network gate (ApiClient) lets a request go only while
// its purpose is allowed; "necessary" (sign-in, security, the features asked for, and privacy
// requests such as a telemetry deletion) always is.
enum class Purpose { Necessary, Analytics, Advertising, ModelTraining, MarketingEmail };

// "necessary", "analytics", "advertising", "model_training", "marketing_email"
QString purposeId(Purpose purpose);
// The four purposes a person is asked about, in the order they are shown.
const QStringList &consentPurposeIds();

// What the gate asks before sending: consent state lives in core (ConsentManager).
class NetworkPolicy
{
public:
    virtual ~NetworkPolicy() = default;
    virtual bool allows(Purpose purpose) const = 0;
    // True while "Do not sell or share" or Global Privacy Control is on: every request then
    // carries "Sec-GPC: 1".
    virtual bool sendsGpc() const = 0;
};

} // namespace pygmi::core
