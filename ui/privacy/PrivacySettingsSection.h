#pragma once

#include <QGroupBox>
#include <QMap>

class QCheckBox;
class QLabel;
class QPushButton;

namespace pygmi::core {
class ConsentManager;
}

namespace pygmi::ui {

// Settings, "Privacy & consent": the same choices as the consent dialog, changeable at any
// time (a withdrawal applies at once, also offline), "Do not sell or share", Global Privacy
// Control, the notice in force and the history of choices with verified receipts.
// It only renders core's ConsentManager and passes clicks to it.
class PrivacySettingsSection : public QGroupBox
{
    Q_OBJECT

public:
    explicit PrivacySettingsSection(core::ConsentManager *consent, QWidget *parent = nullptr);

    void showHistory();
    void showNotice();

private:
    void update();

    core::ConsentManager *m_consent;
    QMap<QString, QCheckBox *> m_boxes;
    QMap<QString, QLabel *> m_descriptions;
    QLabel *m_necessary;
    QCheckBox *m_doNotSell;
    QCheckBox *m_gpc;
    QLabel *m_optOut;
    QLabel *m_sync;
    QLabel *m_notice;
};

} // namespace pygmi::ui
