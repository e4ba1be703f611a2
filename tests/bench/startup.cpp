// Start-up benchmark of pygmi-studio: exec -> first window mapped (X11 MapNotify), RSS 1.5 s
// later, over N cold runs with a fresh profile (welcome window) and N runs with a signed-in
// local profile (main window); plus the local server's own start-up (spawn -> "listening on").
// Run on purpose, not as a test: see README.md.
#include "StudioApp.h"
#include "main/MainWindow.h"
#include "session/SessionManager.h"
#include "welcome/WelcomeWindow.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QTest>

#include <xcb/xcb.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Options
{
    int runs = 7;
    std::string app;
    std::string server;
    bool ownXvfb = false;
};

std::string selfDir()
{
    return fs::canonical("/proc/self/exe").parent_path().string();
}

std::string makeTempDir(const char *tag)
{
    std::string pattern = (fs::temp_directory_path() / (std::string("pygmi-bench-") + tag + "-XXXXXX")).string();
    if (!mkdtemp(pattern.data())) {
        std::perror("mkdtemp");
        std::exit(2);
    }
    for (const char *sub : { "home", "config", "data", "cache" })
        fs::create_directories(fs::path(pattern) / sub);
    return pattern;
}

void setProfileEnv(const std::string &dir)
{
    setenv("HOME", (dir + "/home").c_str(), 1);
    setenv("XDG_CONFIG_HOME", (dir + "/config").c_str(), 1);
    setenv("XDG_DATA_HOME", (dir + "/data").c_str(), 1);
    setenv("XDG_CACHE_HOME", (dir + "/cache").c_str(), 1);
}

// The child's logs would interleave with the table (and a terminal slows it down).
void quietOutput()
{
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
}

long rssKiB(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return -1;
}

void stopChild(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        if (waitpid(pid, nullptr, WNOHANG) == pid)
            return;
        usleep(20000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

struct Sample
{
    double ms = -1;
    double rssMiB = -1;
};

// Starts the app with the profile in `profileDir` and waits for the first MapNotify.
Sample measureApp(xcb_connection_t *connection, const Options &options, const std::string &profileDir)
{
    // Drain events from an earlier run.
    while (xcb_generic_event_t *event = xcb_poll_for_event(connection))
        std::free(event);
    const auto start = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        setProfileEnv(profileDir);
        unsetenv("QT_QPA_PLATFORM");
        quietOutput();
        execl(options.app.c_str(), options.app.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    Sample sample;
    pollfd pfd { xcb_get_file_descriptor(connection), POLLIN, 0 };
    while (Clock::now() - start < std::chrono::seconds(20)) {
        xcb_generic_event_t *event = xcb_poll_for_event(connection);
        if (!event) {
            poll(&pfd, 1, 50);
            continue;
        }
        const bool mapped = (event->response_type & ~0x80) == XCB_MAP_NOTIFY;
        std::free(event);
        if (mapped) {
            sample.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            break;
        }
    }
    if (sample.ms >= 0) {
        usleep(1500 * 1000);
        sample.rssMiB = rssKiB(pid) / 1024.0;
    }
    stopChild(pid);
    return sample;
}

// Spawns pygmi-server --local and times the "listening on" line.
double measureServer(const Options &options)
{
    const std::string dir = makeTempDir("server");
    int out[2];
    int in[2];
    if (pipe(out) != 0 || pipe(in) != 0)
        return -1;
    const auto start = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        quietOutput();
        dup2(out[1], STDOUT_FILENO);
        dup2(in[0], STDIN_FILENO);
        close(out[0]);
        close(in[1]);
        execl(options.server.c_str(), options.server.c_str(), "--data-dir", (dir + "/data").c_str(), "--listen",
              "127.0.0.1:0", "--local", "--exit-with-stdin", static_cast<char *>(nullptr));
        _exit(127);
    }
    close(out[1]);
    close(in[0]);
    std::string text;
    double ms = -1;
    char buffer[512];
    pollfd pfd { out[0], POLLIN, 0 };
    while (Clock::now() - start < std::chrono::seconds(20)) {
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        const ssize_t n = read(out[0], buffer, sizeof buffer);
        if (n <= 0)
            break;
        text.append(buffer, size_t(n));
        if (text.find("listening on") != std::string::npos) {
            ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            break;
        }
    }
    close(in[1]); // --exit-with-stdin
    close(out[0]);
    stopChild(pid);
    fs::remove_all(dir);
    return ms;
}

struct Stats
{
    double median = -1, min = -1, max = -1;
};

Stats stats(std::vector<double> values)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return v < 0; }), values.end());
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return { median, values.front(), values.back() };
}

void printRow(const char *name, const char *unit, const Stats &s, size_t ok, int runs)
{
    std::printf("| %-40s | %9.1f | %9.1f | %9.1f | %-3s | %zu/%d |\n", name, s.median, s.min, s.max, unit, ok, runs);
}

// Completes "On this computer" through the real welcome window (offscreen), so that the next
// start of the app opens the main window signed in. Runs in a child with the profile's env.
int prepareLocalProfile(int argc, char **argv)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Pygmi"));
    QCoreApplication::setApplicationName(QStringLiteral("Pygmi Studio"));
    QApplication qapp(argc, argv);
    pygmi::app::StudioApp studio;
    studio.start();
    auto *welcome = studio.welcomeWindow();
    if (!welcome)
        return 3;
    const auto find = [&](const char *name) { return welcome->findChild<QWidget *>(QString::fromLatin1(name)); };
    QTest::mouseClick(static_cast<QAbstractButton *>(find("localChoiceButton")), Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return find("localForm")->isVisible(); }, 30000))
        return 4;
    QTest::keyClicks(static_cast<QLineEdit *>(find("localNameEdit")), QStringLiteral("Bench"));
    static_cast<QComboBox *>(find("localBirthDateDay"))->setCurrentIndex(1);
    static_cast<QComboBox *>(find("localBirthDateMonth"))->setCurrentIndex(1);
    QTest::keyClicks(static_cast<QLineEdit *>(find("localBirthDateYear")), QStringLiteral("1990"));
    QTest::mouseClick(static_cast<QAbstractButton *>(find("localNoticeCheck")), Qt::LeftButton);
    QTest::mouseClick(static_cast<QAbstractButton *>(find("localStartButton")), Qt::LeftButton);
    if (!QTest::qWaitFor(
            [&] { return studio.session()->state() == pygmi::core::SessionManager::State::SignedIn; }, 30000))
        return 5;
    return 0;
}

int xvfbPid = 0;

std::optional<std::string> startXvfb()
{
    for (int display = 90; display < 130; ++display) {
        const std::string lock = "/tmp/.X" + std::to_string(display) + "-lock";
        if (fs::exists(lock) || fs::exists("/tmp/.X11-unix/X" + std::to_string(display)))
            continue;
        const std::string name = ":" + std::to_string(display);
        const pid_t pid = fork();
        if (pid == 0) {
            freopen("/dev/null", "w", stderr);
            execlp("Xvfb", "Xvfb", name.c_str(), "-screen", "0", "1280x800x24", "-nolisten", "tcp",
                   static_cast<char *>(nullptr));
            _exit(127);
        }
        xvfbPid = pid;
        for (int i = 0; i < 100; ++i) {
            usleep(50000);
            xcb_connection_t *c = xcb_connect(name.c_str(), nullptr);
            const bool ok = !xcb_connection_has_error(c);
            xcb_disconnect(c);
            if (ok)
                return name;
        }
        stopChild(pid);
        xvfbPid = 0;
    }
    return std::nullopt;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 3 && std::strcmp(argv[1], "--prepare-local-profile") == 0) {
        setProfileEnv(argv[2]);
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
        return prepareLocalProfile(1, argv);
    }

    Options options;
    options.app = selfDir() + "/pygmi-studio";
    options.server = selfDir() + "/pygmi-server";
    bool inner = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--runs" && i + 1 < argc)
            options.runs = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--app" && i + 1 < argc)
            options.app = argv[++i];
        else if (arg == "--server" && i + 1 < argc)
            options.server = argv[++i];
        else if (arg == "--xvfb")
            options.ownXvfb = true;
        else if (arg == "--inner")
            inner = true;
        else {
            std::printf("usage: %s [--runs N] [--app PATH] [--server PATH] [--xvfb]\n"
                        "  Starts its own Xvfb when DISPLAY is unset (or with --xvfb), and its own D-Bus\n"
                        "  session with an unlocked gnome-keyring when there is no session bus.\n",
                        argv[0]);
            return arg == "--help" || arg == "-h" ? 0 : 2;
        }
    }

    // A keychain for the signed-in profile: our own session bus with gnome-keyring.
    if (!inner && !std::getenv("DBUS_SESSION_BUS_ADDRESS")) {
        std::vector<std::string> args { "dbus-run-session", "--", "sh", "-c",
                                        "printf bench | gnome-keyring-daemon --unlock --components=secrets "
                                        ">/dev/null; exec \"$@\"",
                                        "sh" };
        for (int i = 0; i < argc; ++i)
            args.emplace_back(argv[i]);
        args.emplace_back("--inner");
        std::vector<char *> raw;
        for (auto &a : args)
            raw.push_back(a.data());
        raw.push_back(nullptr);
        execvp("dbus-run-session", raw.data());
        std::perror("dbus-run-session");
        return 2;
    }

    if (!fs::exists(options.app) || !fs::exists(options.server)) {
        std::fprintf(stderr, "missing %s or %s (build pygmi-studio and pygmi-server)\n", options.app.c_str(),
                     options.server.c_str());
        return 2;
    }
    std::string display = std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "";
    if (display.empty() || options.ownXvfb) {
        const auto started = startXvfb();
        if (!started) {
            std::fprintf(stderr, "could not start Xvfb\n");
            return 2;
        }
        display = *started;
    }
    setenv("DISPLAY", display.c_str(), 1);
    xcb_connection_t *connection = xcb_connect(display.c_str(), nullptr);
    if (xcb_connection_has_error(connection)) {
        std::fprintf(stderr, "cannot connect to X display %s\n", display.c_str());
        return 2;
    }
    xcb_screen_t *screen = xcb_setup_roots_iterator(xcb_get_setup(connection)).data;
    const uint32_t mask = XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY;
    xcb_change_window_attributes(connection, screen->root, XCB_CW_EVENT_MASK, &mask);
    xcb_flush(connection);

    std::printf("pygmi-studio start-up on %s, %d runs each (exec -> first MapNotify; RSS 1.5 s after map)\n",
                display.c_str(), options.runs);

    // 1. Fresh profile each run: the welcome window.
    std::vector<double> coldMs, coldRss;
    for (int i = 0; i < options.runs; ++i) {
        const std::string dir = makeTempDir("cold");
        const Sample s = measureApp(connection, options, dir);
        coldMs.push_back(s.ms);
        coldRss.push_back(s.rssMiB);
        fs::remove_all(dir);
    }

    // 2. Signed-in local profile: the main window.
    std::vector<double> warmMs, warmRss;
    const std::string profile = makeTempDir("signed-in");
    {
        const pid_t pid = fork();
        if (pid == 0) {
            execl("/proc/self/exe", argv[0], "--prepare-local-profile", profile.c_str(), static_cast<char *>(nullptr));
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            std::fprintf(stderr, "preparing the signed-in profile failed (status %d)\n", WEXITSTATUS(status));
        else
            for (int i = 0; i < options.runs; ++i) {
                const Sample s = measureApp(connection, options, profile);
                warmMs.push_back(s.ms);
                warmRss.push_back(s.rssMiB);
            }
    }
    fs::remove_all(profile);

    // 3. The local server on its own.
    std::vector<double> serverMs;
    for (int i = 0; i < options.runs; ++i)
        serverMs.push_back(measureServer(options));

    const auto ok = [](const std::vector<double> &v) {
        return size_t(std::count_if(v.begin(), v.end(), [](double x) { return x >= 0; }));
    };
    std::printf("\n| %-40s | %9s | %9s | %9s | %-3s | %s |\n", "measure", "median", "min", "max", "", "ok");
    std::printf("|------------------------------------------|-----------|-----------|-----------|-----|-----|\n");
    printRow("fresh profile: exec -> welcome mapped", "ms", stats(coldMs), ok(coldMs), options.runs);
    printRow("fresh profile: RSS", "MiB", stats(coldRss), ok(coldRss), options.runs);
    printRow("signed in (local): exec -> main mapped", "ms", stats(warmMs), ok(warmMs), options.runs);
    printRow("signed in (local): RSS", "MiB", stats(warmRss), ok(warmRss), options.runs);
    printRow("pygmi-server --local: spawn -> listening", "ms", stats(serverMs), ok(serverMs), options.runs);
    std::printf("\nbudget: start-up median <= 60 ms, RSS <= 90 MiB\n");

    xcb_disconnect(connection);
    if (xvfbPid)
        stopChild(xvfbPid);
    return 0;
}
