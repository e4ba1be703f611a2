#pragma once

#include "api/ApiError.h"
#include "generation/GenerationTypes.h"

#include <QHash>
#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QToolButton;
class QVBoxLayout;

namespace pygmi::core {
class ProviderCatalog;
}

namespace pygmi::ui {

class FormField;
class ReferencePanel;

// The left side of Create: prompt, negative prompt, style, media type, size, count, seed, video
// timing and generator. It checks what it can against the generator's limits before anything is
// sent, and shows the server's own field errors next to the same fields.
class Composer : public QWidget
{
    Q_OBJECT

public:
    explicit Composer(core::ProviderCatalog *catalog, QWidget *parent = nullptr);

    // The request as the form describes it (no id; seed empty unless locked).
    core::GenerationRequest request() const;
    // Loads parameters (remix, history); the seed is locked to the request's seed if it has one.
    void setRequest(const core::GenerationRequest &request);
    // field key (as in the request) -> translated message; empty when the form is fine.
    QHash<QString, QString> validate() const;
    // Shows messages next to their fields; clears the others.
    void showFieldErrors(const QHash<QString, QString> &errors);
    void showServerError(const core::ApiError &error);
    void showFormMessage(const QString &text);
    void clearErrors();
    // The seed of the result on screen, offered by "Reuse seed".
    void setReusableSeed(std::optional<qint64> seed);
    void setSubmitting(bool submitting);
    QString rawPrompt() const;
    // Adds the references section (drop zone and uploads) below the negative prompt.
    void setReferencePanel(ReferencePanel *panel);
    ReferencePanel *referencePanel() const { return m_references; }

    static QString fieldMessage(const QString &field, const QString &code, const core::ProviderLimits &limits);

Q_SIGNALS:
    void generateRequested();
    void historyRequested();

private:
    void fillProviders();
    void updateForProvider();
    void updateMedia();
    void updateCounter();
    void applyAspect();
    void revalidateShown();
    core::ProviderLimits limits() const;
    const core::Provider *currentProvider() const;

    core::ProviderCatalog *m_catalog;
    QPlainTextEdit *m_prompt;
    QLabel *m_counter;
    QPlainTextEdit *m_negative;
    QComboBox *m_style;
    QLabel *m_finalPrompt;
    QRadioButton *m_image;
    QRadioButton *m_video;
    QComboBox *m_aspect;
    QSpinBox *m_width;
    QSpinBox *m_height;
    QSpinBox *m_count;
    QLineEdit *m_seed;
    QToolButton *m_seedLock;
    QPushButton *m_reuseSeed;
    QDoubleSpinBox *m_duration;
    QSpinBox *m_fps;
    QComboBox *m_provider;
    QComboBox *m_model;
    QLabel *m_providerInfo;
    QLabel *m_formMessage;
    QPushButton *m_generate;
    QPushButton *m_history;
    QWidget *m_videoBox;
    QHash<QString, FormField *> m_fields;
    QVBoxLayout *m_fieldsLayout = nullptr;
    QWidget *m_negativeField = nullptr;
    ReferencePanel *m_references = nullptr;
    std::optional<qint64> m_reusableSeed;
    bool m_errorsShown = false;
    bool m_settingAspect = false;
};

} // namespace pygmi::ui
