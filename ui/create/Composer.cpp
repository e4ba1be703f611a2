#include "create/Composer.h"

#include "common/FormField.h"
#include "create/ReferencePanel.h"
#include "create/StylePresets.h"
#include "generation/ProviderCatalog.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSet>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace pygmi::ui {

namespace {

constexpr qint64 kMaxSeed = (qint64(1) << 53) - 1;

struct Aspect
{
    int w;
    int h;
};
// Width x height in units; the composer scales them to about one megapixel within the limits.
constexpr Aspect kAspects[] = { { 1, 1 }, { 4, 3 }, { 3, 4 }, { 16, 9 }, { 9, 16 }, { 3, 2 }, { 2, 3 } };

QWidget *row(QWidget *parent, const QString &name, std::initializer_list<QWidget *> widgets, int stretchLast = 0)
{
    auto *box = new QWidget(parent);
    box->setObjectName(name);
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    for (QWidget *w : widgets)
        layout->addWidget(w);
    if (stretchLast == 0)
        layout->addStretch(1);
    return box;
}

} // namespace

Composer::Composer(core::ProviderCatalog *catalog, QWidget *parent)
    : QWidget(parent)
    , m_catalog(catalog)
    , m_prompt(new QPlainTextEdit(this))
    , m_counter(new QLabel(this))
    , m_negative(new QPlainTextEdit(this))
    , m_style(new QComboBox(this))
    , m_finalPrompt(new QLabel(this))
    , m_image(new QRadioButton(tr("Image"), this))
    , m_video(new QRadioButton(tr("Video"), this))
    , m_aspect(new QComboBox(this))
    , m_width(new QSpinBox(this))
    , m_height(new QSpinBox(this))
    , m_count(new QSpinBox(this))
    , m_seed(new QLineEdit(this))
    , m_seedLock(new QToolButton(this))
    , m_reuseSeed(new QPushButton(tr("Reuse seed"), this))
    , m_duration(new QDoubleSpinBox(this))
    , m_fps(new QSpinBox(this))
    , m_provider(new QComboBox(this))
    , m_model(new QComboBox(this))
    , m_providerInfo(new QLabel(this))
    , m_formMessage(new QLabel(this))
    , m_generate(new QPushButton(tr("Generate"), this))
    , m_history(new QPushButton(tr("History…"), this))
    , m_videoBox(new QWidget(this))
{
    setObjectName(QStringLiteral("composer"));
    setAccessibleName(tr("Prompt and settings"));

    m_prompt->setObjectName(QStringLiteral("promptEdit"));
    m_prompt->setAccessibleName(tr("Prompt"));
    m_prompt->setPlaceholderText(tr("Describe what you want to see…"));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setMinimumHeight(96);
    m_counter->setObjectName(QStringLiteral("promptCounter"));
    m_counter->setAlignment(Qt::AlignRight);
    m_counter->setForegroundRole(QPalette::PlaceholderText);

    m_negative->setObjectName(QStringLiteral("negativePromptEdit"));
    m_negative->setAccessibleName(tr("Negative prompt"));
    m_negative->setPlaceholderText(tr("What to leave out (optional)"));
    m_negative->setTabChangesFocus(true);
    m_negative->setFixedHeight(56);

    m_style->setObjectName(QStringLiteral("styleCombo"));
    m_style->setAccessibleName(tr("Style"));
    for (const StylePreset &preset : StylePreset::all())
        m_style->addItem(preset.name, preset.id);
    m_finalPrompt->setObjectName(QStringLiteral("finalPromptLabel"));
    m_finalPrompt->setWordWrap(true);
    m_finalPrompt->setForegroundRole(QPalette::PlaceholderText);
    m_finalPrompt->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_finalPrompt->hide();

    m_image->setObjectName(QStringLiteral("mediaImageButton"));
    m_image->setAccessibleName(tr("Image"));
    m_video->setObjectName(QStringLiteral("mediaVideoButton"));
    m_video->setAccessibleName(tr("Video"));
    m_image->setChecked(true);
    auto *mediaGroup = new QButtonGroup(this);
    mediaGroup->addButton(m_image);
    mediaGroup->addButton(m_video);

    m_aspect->setObjectName(QStringLiteral("aspectCombo"));
    m_aspect->setAccessibleName(tr("Aspect ratio"));
    for (const Aspect &a : kAspects)
        m_aspect->addItem(tr("%1:%2").arg(a.w).arg(a.h), QSize(a.w, a.h));
    m_aspect->addItem(tr("Custom"), QSize());

    // Wide ranges on purpose: the limits come from the generator, and a value outside them gets
    // a message next to the field instead of being silently changed.
    for (QSpinBox *spin : { m_width, m_height }) {
        spin->setRange(0, 99999);
        spin->setSuffix(tr(" px"));
        spin->setAccelerated(true);
    }
    m_width->setObjectName(QStringLiteral("widthSpin"));
    m_width->setAccessibleName(tr("Width in pixels"));
    m_height->setObjectName(QStringLiteral("heightSpin"));
    m_height->setAccessibleName(tr("Height in pixels"));
    auto *times = new QLabel(tr("×"), this);

    m_count->setObjectName(QStringLiteral("countSpin"));
    m_count->setAccessibleName(tr("Number of results"));
    m_count->setRange(0, 100);
    m_count->setValue(1);

    m_seed->setObjectName(QStringLiteral("seedEdit"));
    m_seed->setAccessibleName(tr("Seed"));
    m_seed->setPlaceholderText(tr("Random"));
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,16}")), m_seed));
    m_seedLock->setObjectName(QStringLiteral("seedLockButton"));
    m_seedLock->setAccessibleName(tr("Keep this seed"));
    m_seedLock->setCheckable(true);
    m_seedLock->setText(tr("Lock"));
    m_seedLock->setToolTip(tr("Locked: every generation uses this seed. Unlocked: a new random seed each time."));
    m_seedLock->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_reuseSeed->setObjectName(QStringLiteral("reuseSeedButton"));
    m_reuseSeed->setAccessibleName(tr("Reuse the seed of the result shown"));
    m_reuseSeed->setEnabled(false);

    m_duration->setObjectName(QStringLiteral("durationSpin"));
    m_duration->setAccessibleName(tr("Video duration in seconds"));
    m_duration->setRange(-60, 600);
    m_duration->setDecimals(1);
    m_duration->setSingleStep(0.5);
    m_duration->setValue(3);
    m_duration->setSuffix(tr(" s"));
    m_fps->setObjectName(QStringLiteral("fpsSpin"));
    m_fps->setAccessibleName(tr("Frames per second"));
    m_fps->setRange(0, 240);
    m_fps->setValue(24);
    m_fps->setSuffix(tr(" fps"));

    m_provider->setObjectName(QStringLiteral("providerCombo"));
    m_provider->setAccessibleName(tr("Generator"));
    m_model->setObjectName(QStringLiteral("modelCombo"));
    m_model->setAccessibleName(tr("Model"));
    m_providerInfo->setObjectName(QStringLiteral("providerInfoLabel"));
    m_providerInfo->setWordWrap(true);
    m_providerInfo->setForegroundRole(QPalette::PlaceholderText);

    m_formMessage->setObjectName(QStringLiteral("composerMessage"));
    m_formMessage->setWordWrap(true);
    m_formMessage->setStyleSheet(QStringLiteral("color: #d6334a;"));
    m_formMessage->hide();

    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setAccessibleName(tr("Generate"));
    m_generate->setToolTip(tr("Generate (Ctrl+Enter)"));
    m_generate->setDefault(true);
    m_generate->setMinimumHeight(34);
    m_history->setObjectName(QStringLiteral("historyButton"));
    m_history->setAccessibleName(tr("Prompt history"));

    // Layout.
    auto *promptField = new FormField(tr("Prompt"), m_prompt, this);
    promptField->setCornerWidget(m_counter);
    auto *negativeField = new FormField(tr("Negative prompt"), m_negative, this);
    auto *styleField = new FormField(tr("Style"), m_style, this);
    auto *mediaRow = row(this, QStringLiteral("mediaRow"), { m_image, m_video });
    mediaRow->setAccessibleName(tr("Media type"));
    auto *mediaField = new FormField(tr("Make"), mediaRow, this);
    auto *aspectField = new FormField(tr("Aspect ratio"), m_aspect, this);
    auto *sizeRow = row(this, QStringLiteral("sizeRow"), { m_width, times, m_height });
    sizeRow->setAccessibleName(tr("Size"));
    auto *sizeField = new FormField(tr("Size"), sizeRow, this);
    auto *countField = new FormField(tr("Results"), m_count, this);
    auto *seedRow = row(this, QStringLiteral("seedRow"), { m_seed, m_seedLock, m_reuseSeed }, 1);
    seedRow->setAccessibleName(tr("Seed"));
    auto *seedField = new FormField(tr("Seed"), seedRow, this);
    auto *durationField = new FormField(tr("Duration"), m_duration, this);
    auto *fpsField = new FormField(tr("Frame rate"), m_fps, this);
    auto *providerField = new FormField(tr("Generator"), m_provider, this);
    auto *modelField = new FormField(tr("Model"), m_model, this);
    m_fields = { { QStringLiteral("prompt"), promptField },       { QStringLiteral("negative_prompt"), negativeField },
                 { QStringLiteral("style"), styleField },         { QStringLiteral("media"), mediaField },
                 { QStringLiteral("width"), sizeField },          { QStringLiteral("height"), sizeField },
                 { QStringLiteral("count"), countField },         { QStringLiteral("seed"), seedField },
                 { QStringLiteral("duration_s"), durationField }, { QStringLiteral("fps"), fpsField },
                 { QStringLiteral("provider"), providerField },   { QStringLiteral("model"), modelField } };

    m_videoBox->setObjectName(QStringLiteral("videoSettings"));
    auto *videoLayout = new QHBoxLayout(m_videoBox);
    videoLayout->setContentsMargins(0, 0, 0, 0);
    videoLayout->addWidget(durationField);
    videoLayout->addWidget(fpsField);

    auto *sizeLine = new QHBoxLayout;
    sizeLine->addWidget(aspectField);
    sizeLine->addWidget(countField);
    auto *providerLine = new QHBoxLayout;
    providerLine->addWidget(providerField, 2);
    providerLine->addWidget(modelField, 1);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_history);
    buttons->addStretch(1);
    buttons->addWidget(m_generate);

    // The fields scroll; the message and the buttons stay in view below them.
    auto *fields = new QWidget(this);
    fields->setObjectName(QStringLiteral("composerFields"));
    auto *fieldsLayout = new QVBoxLayout(fields);
    m_fieldsLayout = fieldsLayout;
    m_negativeField = negativeField;
    fieldsLayout->setContentsMargins(0, 0, 8, 0);
    fieldsLayout->setSpacing(8);
    fieldsLayout->addWidget(promptField);
    fieldsLayout->addWidget(styleField);
    fieldsLayout->addWidget(m_finalPrompt);
    fieldsLayout->addWidget(negativeField);
    fieldsLayout->addWidget(mediaField);
    fieldsLayout->addLayout(sizeLine);
    fieldsLayout->addWidget(sizeField);
    fieldsLayout->addWidget(m_videoBox);
    fieldsLayout->addWidget(seedField);
    fieldsLayout->addLayout(providerLine);
    fieldsLayout->addWidget(m_providerInfo);
    fieldsLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("composerScroll"));
    scroll->setWidget(fields);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_formMessage);
    layout->addLayout(buttons);

    connect(m_prompt, &QPlainTextEdit::textChanged, this, &Composer::updateCounter);
    connect(m_negative, &QPlainTextEdit::textChanged, this, &Composer::revalidateShown);
    connect(m_style, &QComboBox::currentIndexChanged, this, &Composer::updateCounter);
    connect(m_image, &QRadioButton::toggled, this, &Composer::updateMedia);
    connect(m_aspect, &QComboBox::currentIndexChanged, this, &Composer::applyAspect);
    for (QSpinBox *spin : { m_width, m_height })
        connect(spin, &QSpinBox::valueChanged, this, [this] {
            if (!m_settingAspect) {
                // A typed size: the matching ratio if there is one, else custom.
                int match = m_aspect->count() - 1;
                for (int i = 0; i + 1 < m_aspect->count(); ++i) {
                    const QSize ratio = m_aspect->itemData(i).toSize();
                    if (m_width->value() * ratio.height() == m_height->value() * ratio.width()) {
                        match = i;
                        break;
                    }
                }
                QSignalBlocker blocker(m_aspect);
                m_aspect->setCurrentIndex(match);
            }
            revalidateShown();
        });
    connect(m_count, &QSpinBox::valueChanged, this, &Composer::revalidateShown);
    connect(m_fps, &QSpinBox::valueChanged, this, &Composer::revalidateShown);
    connect(m_duration, &QDoubleSpinBox::valueChanged, this, &Composer::revalidateShown);
    connect(m_seedLock, &QToolButton::toggled, this, [this](bool locked) {
        m_seedLock->setText(locked ? tr("Locked") : tr("Lock"));
        if (locked && m_seed->text().isEmpty())
            m_seed->setText(QString::number(QRandomGenerator::global()->bounded(quint64(1) << 32)));
        revalidateShown();
    });
    connect(m_seed, &QLineEdit::textEdited, this, [this](const QString &text) {
        // Typing a seed means wanting it: lock it; clearing it goes back to random.
        m_seedLock->setChecked(!text.isEmpty());
    });
    connect(m_reuseSeed, &QPushButton::clicked, this, [this] {
        if (m_reusableSeed) {
            m_seed->setText(QString::number(*m_reusableSeed));
            m_seedLock->setChecked(true);
        }
    });
    connect(m_provider, &QComboBox::currentIndexChanged, this, &Composer::updateForProvider);
    connect(m_generate, &QPushButton::clicked, this, &Composer::generateRequested);
    connect(m_history, &QPushButton::clicked, this, &Composer::historyRequested);
    if (m_catalog)
        connect(m_catalog, &core::ProviderCatalog::changed, this, &Composer::fillProviders);

    fillProviders();
    applyAspect();
    updateMedia();
    updateCounter();
}

const core::Provider *Composer::currentProvider() const
{
    return m_catalog ? m_catalog->find(m_provider->currentData().toString()) : nullptr;
}

core::ProviderLimits Composer::limits() const
{
    const core::Provider *provider = currentProvider();
    return provider ? provider->limits : core::ProviderLimits();
}

void Composer::fillProviders()
{
    const QString previous = m_provider->currentData().toString();
    QSignalBlocker blocker(m_provider);
    m_provider->clear();
    if (m_catalog) {
        for (const core::Provider &p : m_catalog->providers()) {
            const QString label = p.thirdParty ? tr("%1 (third party)").arg(p.name) : p.name;
            m_provider->addItem(label, p.id);
        }
    }
    const int index = m_provider->findData(previous);
    m_provider->setCurrentIndex(index >= 0 ? index : 0);
    m_provider->setEnabled(m_provider->count() > 0);
    blocker.unblock();
    updateForProvider();
}

void Composer::updateForProvider()
{
    const core::Provider *provider = currentProvider();
    const QString previousModel = m_model->currentData().toString();
    m_model->clear();
    if (!provider) {
        m_providerInfo->setText(
            m_catalog && m_catalog->lastError()
                ? tr("The list of generators could not be loaded: %1").arg(m_catalog->lastError().userMessage())
                : tr("Loading the list of generators…"));
        m_model->setEnabled(false);
        updateCounter();
        return;
    }
    for (const core::ProviderModel &model : provider->models)
        m_model->addItem(model.name, model.id);
    const int modelIndex = m_model->findData(previousModel);
    m_model->setCurrentIndex(modelIndex >= 0 ? modelIndex : 0);
    m_model->setEnabled(m_model->count() > 1);
    const QString where = provider->thirdParty
        ? tr("Runs at a third party (%1): your prompt is sent there.").arg(provider->location)
        : tr("Where it runs: %1.").arg(provider->location.isEmpty() ? tr("your Pygmi server") : provider->location);
    m_providerInfo->setText(provider->description.isEmpty() ? where : tr("%1\n%2").arg(provider->description, where));
    m_image->setEnabled(provider->supports(QStringLiteral("image")));
    m_video->setEnabled(provider->supports(QStringLiteral("video")));
    if (!m_video->isEnabled() && m_video->isChecked())
        m_image->setChecked(true);
    if (!m_image->isEnabled() && m_image->isChecked())
        m_video->setChecked(true);
    applyAspect();
    updateCounter();
    if (m_references)
        m_references->setMaximum(provider->limits.referencesMax);
}

void Composer::updateMedia()
{
    m_videoBox->setVisible(m_video->isChecked());
    applyAspect();
    revalidateShown();
}

void Composer::applyAspect()
{
    const QSize ratio = m_aspect->currentData().toSize();
    const bool custom = !ratio.isValid();
    if (custom) {
        revalidateShown();
        return;
    }
    const core::ProviderLimits lim = limits();
    // About one megapixel for images, a smaller frame for video, rounded to the size step.
    const bool video = m_video->isChecked();
    const double area = video ? 640.0 * 640.0 : 1024.0 * 1024.0;
    double w = std::sqrt(area * ratio.width() / ratio.height());
    double h = w * ratio.height() / ratio.width();
    const int maxW = video ? std::min(lim.widthMax, lim.video.sideMax) : lim.widthMax;
    const int maxH = video ? std::min(lim.heightMax, lim.video.sideMax) : lim.heightMax;
    const double shrink = std::min({ 1.0, maxW / w, maxH / h });
    w *= shrink;
    h *= shrink;
    const int step = std::max(1, lim.sizeMultiple);
    const auto snap = [step](double v, int lo, int hi) {
        int value = int(std::floor(v / step)) * step;
        return std::clamp(value, lo, hi - hi % step);
    };
    m_settingAspect = true;
    m_width->setValue(snap(w, lim.widthMin, maxW));
    m_height->setValue(snap(h, lim.heightMin, maxH));
    m_settingAspect = false;
    revalidateShown();
}

QString Composer::rawPrompt() const
{
    return m_prompt->toPlainText();
}

void Composer::updateCounter()
{
    const StylePreset preset = StylePreset::find(m_style->currentData().toString());
    const QString finalText = preset.wrap(m_prompt->toPlainText().trimmed());
    const int max = limits().promptMaxChars;
    m_counter->setText(tr("%1 / %2").arg(finalText.size()).arg(max));
    m_counter->setAccessibleName(tr("%1 of %2 characters used").arg(finalText.size()).arg(max));
    m_counter->setStyleSheet(finalText.size() > max ? QStringLiteral("color: #d6334a;") : QString());
    const bool styled = !preset.id.isEmpty() && !m_prompt->toPlainText().trimmed().isEmpty();
    m_finalPrompt->setVisible(styled);
    if (styled)
        m_finalPrompt->setText(tr("Sent as: %1").arg(finalText));
    revalidateShown();
}

core::GenerationRequest Composer::request() const
{
    core::GenerationRequest r;
    const StylePreset preset = StylePreset::find(m_style->currentData().toString());
    r.prompt = preset.wrap(m_prompt->toPlainText().trimmed());
    r.negativePrompt = m_negative->toPlainText().trimmed();
    r.style = preset.id;
    r.media = m_video->isChecked() ? QStringLiteral("video") : QStringLiteral("image");
    r.width = m_width->value();
    r.height = m_height->value();
    r.count = m_count->value();
    if (m_seedLock->isChecked() && !m_seed->text().isEmpty())
        r.seed = m_seed->text().toLongLong();
    r.provider = m_provider->currentData().toString();
    r.model = m_model->currentData().toString();
    r.durationS = m_duration->value();
    r.fps = m_fps->value();
    if (m_references)
        r.references = m_references->references();
    return r;
}

void Composer::setReferencePanel(ReferencePanel *panel)
{
    if (m_references || !panel)
        return;
    m_references = panel;
    auto *field = new FormField(tr("References"), panel, this);
    field->setObjectName(QStringLiteral("referencesField"));
    m_fields.insert(QStringLiteral("references"), field);
    m_fieldsLayout->insertWidget(m_fieldsLayout->indexOf(m_negativeField) + 1, field);
    panel->setMaximum(limits().referencesMax);
    connect(panel, &ReferencePanel::changed, this, &Composer::revalidateShown);
}

void Composer::setRequest(const core::GenerationRequest &r)
{
    const StylePreset preset = StylePreset::find(r.style);
    QString words = preset.unwrap(r.prompt);
    int styleIndex = m_style->findData(preset.id);
    if (words.isEmpty()) { // not this preset's wrapping after all: show the text as it was sent
        words = r.prompt;
        styleIndex = 0;
    }
    m_style->setCurrentIndex(std::max(0, styleIndex));
    m_prompt->setPlainText(words);
    m_negative->setPlainText(r.negativePrompt);
    (r.isVideo() ? m_video : m_image)->setChecked(true);
    const int providerIndex = m_provider->findData(r.provider);
    if (providerIndex >= 0)
        m_provider->setCurrentIndex(providerIndex);
    const int modelIndex = m_model->findData(r.model);
    if (modelIndex >= 0)
        m_model->setCurrentIndex(modelIndex);
    m_settingAspect = true;
    m_aspect->setCurrentIndex(m_aspect->count() - 1);
    for (int i = 0; i + 1 < m_aspect->count(); ++i) {
        const QSize ratio = m_aspect->itemData(i).toSize();
        if (ratio.isValid() && r.width * ratio.height() == r.height * ratio.width()) {
            m_aspect->setCurrentIndex(i);
            break;
        }
    }
    m_width->setValue(r.width);
    m_height->setValue(r.height);
    m_settingAspect = false;
    m_count->setValue(r.count);
    m_duration->setValue(r.durationS);
    m_fps->setValue(r.fps);
    if (r.seed) {
        m_seed->setText(QString::number(*r.seed));
        m_seedLock->setChecked(true);
    } else {
        m_seedLock->setChecked(false);
        m_seed->clear();
    }
    clearErrors();
    m_prompt->setFocus();
}

QString Composer::fieldMessage(const QString &field, const QString &code, const core::ProviderLimits &lim)
{
    if (field == u"references") {
        if (code == u"uploading")
            return tr("Wait until the references have finished uploading, or pause and remove them.");
        if (code == u"unknown")
            return tr("A reference is no longer on the server (deleted or expired). Remove it and add it again.");
        if (code == u"out_of_range")
            return tr("Use at most %n reference(s), each with a strength from 0 to 100 %.", nullptr,
                      lim.referencesMax);
        return tr("Check the references and try again.");
    }
    if (field == u"prompt") {
        if (code == u"required")
            return tr("Write a prompt first.");
        if (code == u"too_long")
            return tr("The prompt is too long: this generator takes at most %1 characters.").arg(lim.promptMaxChars);
    }
    if (field == u"negative_prompt" && code == u"too_long")
        return tr("Use at most %1 characters here.").arg(lim.negativePromptMaxChars);
    if (field == u"width" || field == u"height") {
        if (code == u"not_multiple")
            return tr("Width and height must be multiples of %1 pixels.").arg(lim.sizeMultiple);
        return tr("Choose a size from %1×%2 to %3×%4 pixels.")
            .arg(lim.widthMin)
            .arg(lim.heightMin)
            .arg(lim.widthMax)
            .arg(lim.heightMax);
    }
    if (field == u"count")
        return tr("Ask for %1 to %2 results.").arg(lim.countMin).arg(lim.countMax);
    if (field == u"seed")
        return tr("Use a whole number from 0 to %1, or leave the seed random.").arg(kMaxSeed);
    if (field == u"duration_s")
        return tr("Choose a duration from %1 to %2 seconds.").arg(lim.video.durationMinS).arg(lim.video.durationMaxS);
    if (field == u"fps")
        return tr("Choose %1 to %2 frames per second.").arg(lim.video.fpsMin).arg(lim.video.fpsMax);
    if (field == u"provider" || field == u"model")
        return tr("This generator is not offered by the server. Pick one from the list.");
    if (field == u"media")
        return tr("This generator cannot make this kind of result.");
    if (field == u"style")
        return tr("This style is not known to the server. Pick another.");
    if (code == u"required")
        return tr("This field is required.");
    return tr("Check this value and try again.");
}

QHash<QString, QString> Composer::validate() const
{
    QHash<QString, QString> errors;
    const core::ProviderLimits lim = limits();
    const core::GenerationRequest r = request();
    const auto add = [&](const char *field, const char *code) {
        const QString key = QLatin1String(field);
        if (!errors.contains(key))
            errors.insert(key, fieldMessage(key, QLatin1String(code), lim));
    };
    if (r.prompt.trimmed().isEmpty())
        add("prompt", "required");
    else if (r.prompt.size() > lim.promptMaxChars)
        add("prompt", "too_long");
    if (r.negativePrompt.size() > lim.negativePromptMaxChars)
        add("negative_prompt", "too_long");
    const bool video = r.isVideo();
    const int maxW = video ? std::min(lim.widthMax, lim.video.sideMax) : lim.widthMax;
    const int maxH = video ? std::min(lim.heightMax, lim.video.sideMax) : lim.heightMax;
    if (r.width < lim.widthMin || r.width > maxW || r.height < lim.heightMin || r.height > maxH)
        add("width", "out_of_range");
    else if (r.width % lim.sizeMultiple || r.height % lim.sizeMultiple)
        add("width", "not_multiple");
    if (r.count < lim.countMin || r.count > lim.countMax)
        add("count", "out_of_range");
    if (r.seed && (*r.seed < 0 || *r.seed > kMaxSeed))
        add("seed", "out_of_range");
    if (video) {
        if (r.durationS < lim.video.durationMinS || r.durationS > lim.video.durationMaxS)
            add("duration_s", "out_of_range");
        if (r.fps < lim.video.fpsMin || r.fps > lim.video.fpsMax)
            add("fps", "out_of_range");
    }
    if (!m_catalog || !m_catalog->find(r.provider))
        add("provider", "unknown");
    if (m_references) {
        if (m_references->isBusy())
            add("references", "uploading");
        else if (r.references.size() > lim.referencesMax)
            add("references", "out_of_range");
    }
    if (const core::Provider *p = currentProvider(); p && !p->supports(r.media))
        add("media", "invalid");
    // Size messages for a video mention the video limit.
    if (errors.contains(QStringLiteral("width")) && video && errors.value(QStringLiteral("width")).contains(u'×')
        && lim.video.sideMax < std::max(lim.widthMax, lim.heightMax))
        errors.insert(QStringLiteral("width"),
                      tr("Choose a video size from %1×%2 up to %3 pixels on each side.")
                          .arg(lim.widthMin)
                          .arg(lim.heightMin)
                          .arg(lim.video.sideMax));
    return errors;
}

void Composer::showFieldErrors(const QHash<QString, QString> &errors)
{
    QSet<FormField *> done;
    for (auto it = m_fields.begin(); it != m_fields.end(); ++it) {
        FormField *field = it.value();
        const QString message = errors.value(it.key());
        if (!message.isEmpty()) {
            field->setError(message);
            done.insert(field);
        } else if (!done.contains(field)) {
            field->setError({});
        }
    }
    m_errorsShown = !errors.isEmpty();
    if (errors.isEmpty())
        m_formMessage->hide();
    else
        showFormMessage(tr("Some settings need your attention before generating."));
}

void Composer::showServerError(const core::ApiError &error)
{
    const auto fields = error.fields();
    if (!fields.isEmpty()) {
        QHash<QString, QString> messages;
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            QString key = it.key();
            if (key == u"height")
                key = QStringLiteral("width"); // one field shows the size
            if (key == u"id") {
                showFormMessage(tr("The request could not be identified. Try again."));
                continue;
            }
            messages.insert(key, fieldMessage(it.key(), it.value(), limits()));
        }
        showFieldErrors(messages);
        showFormMessage(tr("The server did not accept these settings: see the marked fields."));
        return;
    }
    if (error.code() == u"too_many_jobs") {
        showFormMessage(tr("You already have as many jobs waiting or running as the server allows. Wait for "
                           "one to finish, or cancel one, then try again."));
        return;
    }
    if (error.code() == u"id_conflict") {
        showFormMessage(tr("This request clashed with an earlier one. Press Generate again."));
        return;
    }
    if (error.kind() == core::ApiError::Kind::Network || error.kind() == core::ApiError::Kind::Timeout) {
        showFormMessage(tr("%1 Pressing Generate again will not make a duplicate.").arg(error.userMessage()));
        return;
    }
    showFormMessage(error.userMessage());
}

void Composer::showFormMessage(const QString &text)
{
    m_formMessage->setText(text);
    m_formMessage->setVisible(!text.isEmpty());
}

void Composer::clearErrors()
{
    showFieldErrors({});
}

void Composer::revalidateShown()
{
    // Once errors are on screen, they follow the user's corrections live.
    if (m_errorsShown)
        showFieldErrors(validate());
}

void Composer::setReusableSeed(std::optional<qint64> seed)
{
    m_reusableSeed = seed;
    m_reuseSeed->setEnabled(seed.has_value());
    if (seed)
        m_reuseSeed->setToolTip(tr("Use seed %1 again").arg(*seed));
}

void Composer::setSubmitting(bool submitting)
{
    m_generate->setEnabled(!submitting);
    m_generate->setText(submitting ? tr("Sending…") : tr("Generate"));
}

} // namespace pygmi::ui
