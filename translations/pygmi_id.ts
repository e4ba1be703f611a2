<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
<context>
    <name>PasswordStrength</name>
    <message numerus="yes">
        <source>Use at least %n characters.</source>
        <translation><numerusform>Gunakan minimal %n karakter.</numerusform></translation>
    </message>
    <message>
        <source>This password is one of the most common ones. Choose something less guessable.</source>
        <translation>Kata sandi ini termasuk yang paling umum. Pilih yang lebih sulit ditebak.</translation>
    </message>
    <message>
        <source>Use more different characters (at least 5).</source>
        <translation>Gunakan lebih banyak karakter yang berbeda (minimal 5).</translation>
    </message>
    <message>
        <source>Don't build the password from your email or name.</source>
        <translation>Jangan membuat kata sandi dari email atau nama Anda.</translation>
    </message>
    <message>
        <source>Strong password.</source>
        <translation>Kata sandi kuat.</translation>
    </message>
    <message>
        <source>Good password.</source>
        <translation>Kata sandi bagus.</translation>
    </message>
    <message>
        <source>Fair. A longer password, or a few words together, would be stronger.</source>
        <translation>Cukup. Kata sandi yang lebih panjang, atau beberapa kata digabung, akan lebih kuat.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Pygmi Studio: create images and videos from prompts.</source>
        <translation>Pygmi Studio: buat gambar dan video dari perintah teks.</translation>
    </message>
    <message>
        <source>Forget the chosen server and the saved sign-in of this installation (your data stays).</source>
        <translation>Lupakan server yang dipilih dan sesi masuk yang tersimpan di instalasi ini (data Anda tetap ada).</translation>
    </message>
</context>
<context>
    <name>pygmi::app::StudioApp</name>
    <message>
        <source>You were signed out: %1</source>
        <translation>Anda telah dikeluarkan: %1</translation>
    </message>
    <message>
        <source>Your session has ended. %1</source>
        <translation>Sesi Anda telah berakhir. %1</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::Banner</name>
    <message>
        <source>Notice</source>
        <translation>Pemberitahuan</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Tutup</translation>
    </message>
    <message>
        <source>Dismiss this notice</source>
        <translation>Tutup pemberitahuan ini</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::BirthDateEdit</name>
    <message>
        <source>Date of birth</source>
        <translation>Tanggal lahir</translation>
    </message>
    <message>
        <source>Day of birth</source>
        <translation>Tanggal lahir (hari)</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Hari</translation>
    </message>
    <message>
        <source>Month of birth</source>
        <translation>Bulan lahir</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Bulan</translation>
    </message>
    <message>
        <source>Year of birth</source>
        <translation>Tahun lahir</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Tahun</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::BrowserWaitWidget</name>
    <message>
        <source>Copy link</source>
        <translation>Salin tautan</translation>
    </message>
    <message>
        <source>Browser did not open?</source>
        <translation>Peramban tidak terbuka?</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Batal</translation>
    </message>
    <message>
        <source>Waiting for the browser</source>
        <translation>Menunggu peramban</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Sisa waktu</translation>
    </message>
    <message>
        <source>Sign-in link</source>
        <translation>Tautan masuk</translation>
    </message>
    <message>
        <source>Cancel sign-in</source>
        <translation>Batalkan proses masuk</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Tersalin</translation>
    </message>
    <message>
        <source>Signing you in…</source>
        <translation>Sedang memasukkan Anda…</translation>
    </message>
    <message>
        <source>Continue in your browser: sign in with %1 there, then come back here.</source>
        <translation>Lanjutkan di peramban: masuk dengan %1 di sana, lalu kembali ke sini.</translation>
    </message>
    <message>
        <source>No browser opened. Copy this link into your browser to sign in with %1.</source>
        <translation>Tidak ada peramban yang terbuka. Salin tautan ini ke peramban Anda untuk masuk dengan %1.</translation>
    </message>
    <message>
        <source>Waiting for the browser (%1:%2 left)</source>
        <translation>Menunggu peramban (sisa %1:%2)</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::PlaceholderPage</name>
    <message>
        <source>Not available in this window.</source>
        <translation>Tidak tersedia di jendela ini.</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::ConnectedSignInsBox</name>
    <message>
        <source>Connected sign-ins</source>
        <translation>Akun masuk yang terhubung</translation>
    </message>
    <message>
        <source>No identity provider is connected. You sign in with your email and password.</source>
        <translation>Belum ada penyedia identitas yang terhubung. Anda masuk dengan email dan kata sandi.</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Hubungkan</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Putuskan</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Penyedia</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Akun</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Terakhir dipakai</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Kolom</translation>
    </message>
    <message>
        <source>Identity provider to connect</source>
        <translation>Penyedia identitas yang akan dihubungkan</translation>
    </message>
    <message>
        <source>Connect a sign-in</source>
        <translation>Hubungkan akun masuk</translation>
    </message>
    <message>
        <source>Disconnect the selected sign-in</source>
        <translation>Putuskan akun masuk yang dipilih</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Belum pernah</translation>
    </message>
    <message>
        <source>No identity provider is connected.</source>
        <translation>Belum ada penyedia identitas yang terhubung.</translation>
    </message>
    <message>
        <source>This is the only way to sign in to your account. Connect another sign-in first.</source>
        <translation>Ini satu-satunya cara masuk ke akun Anda. Hubungkan akun masuk lain terlebih dahulu.</translation>
    </message>
    <message>
        <source>%1 is now connected. You can use it to sign in.</source>
        <translation>%1 sekarang terhubung. Anda dapat memakainya untuk masuk.</translation>
    </message>
    <message>
        <source>Disconnect %1?</source>
        <translation>Putuskan %1?</translation>
    </message>
    <message>
        <source>You will no longer be able to sign in with %1. You can connect it again later.</source>
        <translation>Anda tidak akan bisa lagi masuk dengan %1. Anda dapat menghubungkannya lagi nanti.</translation>
    </message>
    <message>
        <source>%1 was disconnected.</source>
        <translation>%1 telah diputuskan.</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::EmailVerificationBanner</name>
    <message>
        <source>Code from the email</source>
        <translation>Kode dari email</translation>
    </message>
    <message>
        <source>6-digit code</source>
        <translation>Kode 6 digit</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Konfirmasi</translation>
    </message>
    <message>
        <source>Send a new code</source>
        <translation>Kirim kode baru</translation>
    </message>
    <message>
        <source>Confirm your email address: enter the code we sent to %1.</source>
        <translation>Konfirmasi alamat email Anda: masukkan kode yang kami kirim ke %1.</translation>
    </message>
    <message>
        <source>Enter the code from the email we sent to %1.</source>
        <translation>Masukkan kode dari email yang kami kirim ke %1.</translation>
    </message>
    <message>
        <source>%1 Check the code, or ask for a new one.</source>
        <translation>%1 Periksa kodenya, atau minta kode baru.</translation>
    </message>
    <message>
        <source>Thank you: your email address is confirmed.</source>
        <translation>Terima kasih: alamat email Anda sudah dikonfirmasi.</translation>
    </message>
    <message>
        <source>A new code is on its way to %1. Enter it here.</source>
        <translation>Kode baru sedang dikirim ke %1. Masukkan di sini.</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::MainWindow</name>
    <message>
        <source>Pygmi Studio</source>
        <translation>Pygmi Studio</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>Bagian</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Buat</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Galeri</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>Privasi</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Pengaturan</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>Masuk sebagai</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Coba lagi</translation>
    </message>
    <message>
        <source>Write a prompt, add reference images or videos, and get images and videos back.</source>
        <translation>Tulis perintah, tambahkan gambar atau video referensi, dan dapatkan gambar dan video.</translation>
    </message>
    <message>
        <source>Everything you have created, searchable, with its prompt and settings.</source>
        <translation>Semua yang telah Anda buat, dapat dicari, beserta perintah dan pengaturannya.</translation>
    </message>
    <message>
        <source>What Pygmi keeps about you, your choices, and your export and deletion requests.</source>
        <translation>Apa yang disimpan Pygmi tentang Anda, pilihan Anda, serta permintaan ekspor dan penghapusan.</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>komputer ini</translation>
    </message>
    <message>
        <source>Signed in as %1 on %2</source>
        <translation>Masuk sebagai %1 di %2</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Sedang masuk…</translation>
    </message>
    <message>
        <source>Signing in as %1…</source>
        <translation>Sedang masuk sebagai %1…</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Belum masuk</translation>
    </message>
    <message>
        <source>Starting Pygmi on this computer…</source>
        <translation>Menjalankan Pygmi di komputer ini…</translation>
    </message>
    <message>
        <source>Pygmi's server on this computer stopped unexpectedly and was restarted. Work that was in progress may have been interrupted; your saved creations are safe.</source>
        <translation>Server Pygmi di komputer ini berhenti secara tak terduga dan telah dijalankan ulang. Pekerjaan yang sedang berjalan mungkin terputus; karya Anda yang tersimpan aman.</translation>
    </message>
    <message>
        <source>Pygmi's server on this computer stopped unexpectedly (%1). Restarting it…</source>
        <translation>Server Pygmi di komputer ini berhenti secara tak terduga (%1). Menjalankannya ulang…</translation>
    </message>
    <message>
        <source>Pygmi's server on this computer could not run (%1). Try again; if it keeps failing, restart Pygmi Studio.</source>
        <translation>Server Pygmi di komputer ini tidak dapat berjalan (%1). Coba lagi; jika terus gagal, mulai ulang Pygmi Studio.</translation>
    </message>
    <message>
        <source>No system keychain is available, so your sign-in is kept only while Pygmi Studio runs: you will have to sign in again next time.</source>
        <translation>Tidak ada gantungan kunci sistem, jadi sesi masuk Anda hanya disimpan selama Pygmi Studio berjalan: Anda harus masuk lagi lain kali.</translation>
    </message>
    <message>
        <source>Sign out of Pygmi on this computer? Your creations stay here, and you can come back from the welcome window.</source>
        <translation>Keluar dari Pygmi di komputer ini? Karya Anda tetap di sini, dan Anda dapat kembali dari jendela sambutan.</translation>
    </message>
    <message>
        <source>Sign out of %1? You will need your password to sign in again.</source>
        <translation>Keluar dari %1? Anda memerlukan kata sandi untuk masuk lagi.</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Keluar</translation>
    </message>
    <message>
        <source>To use another server you sign out here first. Continue?</source>
        <translation>Untuk menggunakan server lain, Anda keluar dari sini terlebih dahulu. Lanjutkan?</translation>
    </message>
    <message>
        <source>Switch server</source>
        <translation>Ganti server</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::NoticeDialog</name>
    <message>
        <source>Terms and privacy notice</source>
        <translation>Ketentuan dan pemberitahuan privasi</translation>
    </message>
    <message>
        <source>Notice text</source>
        <translation>Teks pemberitahuan</translation>
    </message>
    <message>
        <source>Loading the notice…</source>
        <translation>Memuat pemberitahuan…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Tutup</translation>
    </message>
    <message>
        <source>%1
Version %2, effective %3

%4</source>
        <translation>%1
Versi %2, berlaku sejak %3

%4</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::PasswordStrengthMeter</name>
    <message>
        <source>Password strength</source>
        <translation>Kekuatan kata sandi</translation>
    </message>
    <message numerus="yes">
        <source>At least %n characters, not a common password.</source>
        <translation><numerusform>Minimal %n karakter, bukan kata sandi yang umum.</numerusform></translation>
    </message>
</context>
<context>
    <name>pygmi::ui::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Pengaturan</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Akun</translation>
    </message>
    <message>
        <source>Switch server…</source>
        <translation>Ganti server…</translation>
    </message>
    <message>
        <source>Switch server</source>
        <translation>Ganti server</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Keluar</translation>
    </message>
    <message>
        <source>Signed in as:</source>
        <translation>Masuk sebagai:</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <source>Sign-in kept:</source>
        <translation>Sesi masuk disimpan:</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Tampilan</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Tema</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Sama seperti sistem</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Terang</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Gelap</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Tema:</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>This computer: your data stays here</source>
        <translation>Komputer ini: data Anda tetap di sini</translation>
    </message>
    <message>
        <source>In the system keychain, so you stay signed in</source>
        <translation>Di gantungan kunci sistem, jadi Anda tetap masuk</translation>
    </message>
    <message>
        <source>For this session only: no keychain is available, so you will have to sign in again next time</source>
        <translation>Hanya untuk sesi ini: tidak ada gantungan kunci, jadi Anda harus masuk lagi lain kali</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::SsoAccountPage</name>
    <message>
        <source>I have read and accept this notice</source>
        <translation>Saya telah membaca dan menerima pemberitahuan ini</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>Buat akun</translation>
    </message>
    <message>
        <source>Finish creating your account</source>
        <translation>Selesaikan pembuatan akun Anda</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Nama tampilan</translation>
    </message>
    <message>
        <source>&amp;Display name</source>
        <translation>&amp;Nama tampilan</translation>
    </message>
    <message>
        <source>Date of &amp;birth</source>
        <translation>Tanggal &amp;lahir</translation>
    </message>
    <message>
        <source>Pygmi is for people aged 13 or over. Your date of birth is checked once and not stored.</source>
        <translation>Pygmi untuk orang berusia 13 tahun ke atas. Tanggal lahir Anda diperiksa sekali dan tidak disimpan.</translation>
    </message>
    <message>
        <source>Read the notice</source>
        <translation>Baca pemberitahuan</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Kembali</translation>
    </message>
    <message>
        <source>terms and privacy notice</source>
        <translation>ketentuan dan pemberitahuan privasi</translation>
    </message>
    <message>
        <source>Terms and privacy: %1.</source>
        <translation>Ketentuan dan privasi: %1.</translation>
    </message>
    <message>
        <source>Terms and privacy: %1, version %2.</source>
        <translation>Ketentuan dan privasi: %1, versi %2.</translation>
    </message>
    <message>
        <source>I have read and accept the %1.</source>
        <translation>Saya telah membaca dan menerima %1.</translation>
    </message>
    <message>
        <source>I have read and accept the %1 (version %2).</source>
        <translation>Saya telah membaca dan menerima %1 (versi %2).</translation>
    </message>
    <message>
        <source>You signed in with %1. There is no Pygmi account for you on this server yet: confirm your age and accept the notice to create one.</source>
        <translation>Anda masuk dengan %1. Belum ada akun Pygmi untuk Anda di server ini: konfirmasi usia Anda dan terima pemberitahuan untuk membuatnya.</translation>
    </message>
    <message>
        <source>You signed in with %1 as %2. There is no Pygmi account for you on this server yet: confirm your age and accept the notice to create one.</source>
        <translation>Anda masuk dengan %1 sebagai %2. Belum ada akun Pygmi untuk Anda di server ini: konfirmasi usia Anda dan terima pemberitahuan untuk membuatnya.</translation>
    </message>
    <message>
        <source>Enter a display name.</source>
        <translation>Masukkan nama tampilan.</translation>
    </message>
    <message>
        <source>Enter your date of birth.</source>
        <translation>Masukkan tanggal lahir Anda.</translation>
    </message>
    <message>
        <source>Enter a real date: day, month and year.</source>
        <translation>Masukkan tanggal yang benar: hari, bulan, dan tahun.</translation>
    </message>
    <message>
        <source>Read and accept the notice to continue.</source>
        <translation>Baca dan terima pemberitahuan untuk melanjutkan.</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::SsoPanel</name>
    <message>
        <source>Single sign-on</source>
        <translation>Masuk dengan penyedia identitas</translation>
    </message>
    <message>
        <source>or</source>
        <translation>atau</translation>
    </message>
    <message>
        <source>Single sign-on problem</source>
        <translation>Masalah saat masuk dengan penyedia identitas</translation>
    </message>
    <message>
        <source>Continue with %1</source>
        <translation>Lanjutkan dengan %1</translation>
    </message>
</context>
<context>
    <name>pygmi::ui::WelcomeWindow</name>
    <message>
        <source>Welcome to Pygmi Studio</source>
        <translation>Selamat datang di Pygmi Studio</translation>
    </message>
    <message>
        <source>Pygmi Studio logo</source>
        <translation>Logo Pygmi Studio</translation>
    </message>
    <message>
        <source>Pygmi Studio</source>
        <translation>Pygmi Studio</translation>
    </message>
    <message>
        <source>Read the notice</source>
        <translation>Baca pemberitahuan</translation>
    </message>
    <message>
        <source>I have read and accept this notice</source>
        <translation>Saya telah membaca dan menerima pemberitahuan ini</translation>
    </message>
    <message>
        <source>How do you want to use Pygmi?</source>
        <translation>Bagaimana Anda ingin menggunakan Pygmi?</translation>
    </message>
    <message>
        <source>You can switch later in Settings.</source>
        <translation>Anda dapat menggantinya nanti di Pengaturan.</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>Di komputer ini</translation>
    </message>
    <message>
        <source>Recommended. Your creations and your account stay on this computer. No email or password needed.</source>
        <translation>Disarankan. Karya dan akun Anda tetap di komputer ini. Tidak perlu email atau kata sandi.</translation>
    </message>
    <message>
        <source>Sign in to a server</source>
        <translation>Masuk ke server</translation>
    </message>
    <message>
        <source>Use a Pygmi server that someone runs for you, with an email and password. Its address starts with https://.</source>
        <translation>Gunakan server Pygmi yang dijalankan orang lain untuk Anda, dengan email dan kata sandi. Alamatnya diawali https://.</translation>
    </message>
    <message>
        <source>Set up Pygmi on this computer</source>
        <translation>Siapkan Pygmi di komputer ini</translation>
    </message>
    <message>
        <source>Everything stays on this computer. Pygmi runs its own server here, and you do not need an email address or a password.</source>
        <translation>Semuanya tetap di komputer ini. Pygmi menjalankan servernya sendiri di sini, dan Anda tidak memerlukan alamat email atau kata sandi.</translation>
    </message>
    <message>
        <source>Local server status</source>
        <translation>Status server lokal</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Coba lagi</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Nama tampilan</translation>
    </message>
    <message>
        <source>&amp;Display name</source>
        <translation>&amp;Nama tampilan</translation>
    </message>
    <message>
        <source>Shown in the app. It can be any name you like.</source>
        <translation>Ditampilkan di aplikasi. Boleh nama apa saja.</translation>
    </message>
    <message>
        <source>Date of &amp;birth</source>
        <translation>Tanggal &amp;lahir</translation>
    </message>
    <message>
        <source>Pygmi is for people aged 13 or over. Your date of birth is checked once and not stored.</source>
        <translation>Pygmi untuk orang berusia 13 tahun ke atas. Tanggal lahir Anda diperiksa sekali dan tidak disimpan.</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Kembali</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Mulai</translation>
    </message>
    <message>
        <source>Starting Pygmi on this computer…</source>
        <translation>Menjalankan Pygmi di komputer ini…</translation>
    </message>
    <message>
        <source>Pygmi could not start its server on this computer.</source>
        <translation>Pygmi tidak dapat menjalankan servernya di komputer ini.</translation>
    </message>
    <message>
        <source>Pygmi could not start its server on this computer: %1</source>
        <translation>Pygmi tidak dapat menjalankan servernya di komputer ini: %1</translation>
    </message>
    <message>
        <source>Connecting to Pygmi on this computer…</source>
        <translation>Menghubungkan ke Pygmi di komputer ini…</translation>
    </message>
    <message>
        <source>Enter a display name.</source>
        <translation>Masukkan nama tampilan.</translation>
    </message>
    <message>
        <source>Enter your date of birth.</source>
        <translation>Masukkan tanggal lahir Anda.</translation>
    </message>
    <message>
        <source>Enter a real date: day, month and year.</source>
        <translation>Masukkan tanggal yang benar: hari, bulan, dan tahun.</translation>
    </message>
    <message>
        <source>Read and accept the notice to continue.</source>
        <translation>Baca dan terima pemberitahuan untuk melanjutkan.</translation>
    </message>
    <message>
        <source>Enter the address of the Pygmi server you were given.</source>
        <translation>Masukkan alamat server Pygmi yang diberikan kepada Anda.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Alamat server</translation>
    </message>
    <message>
        <source>Server &amp;address</source>
        <translation>&amp;Alamat server</translation>
    </message>
    <message>
        <source>Addresses start with https://. Plain http:// works only for a server on this computer.</source>
        <translation>Alamat diawali https://. http:// biasa hanya berlaku untuk server di komputer ini.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Lanjutkan</translation>
    </message>
    <message>
        <source>Enter the server's address.</source>
        <translation>Masukkan alamat server.</translation>
    </message>
    <message>
        <source>This server belongs to one computer and does not take sign-ins. Ask for the address of a shared Pygmi server.</source>
        <translation>Server ini milik satu komputer dan tidak menerima proses masuk. Mintalah alamat server Pygmi bersama.</translation>
    </message>
    <message>
        <source>Sign in to %1</source>
        <translation>Masuk ke %1</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Masuk</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>&amp;Email</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Kata sandi</translation>
    </message>
    <message>
        <source>Forgot password?</source>
        <translation>Lupa kata sandi?</translation>
    </message>
    <message>
        <source>Sign-in problem</source>
        <translation>Masalah saat masuk</translation>
    </message>
    <message>
        <source>Change server</source>
        <translation>Ganti server</translation>
    </message>
    <message>
        <source>New here?</source>
        <translation>Baru di sini?</translation>
    </message>
    <message>
        <source>Create an account</source>
        <translation>Buat akun</translation>
    </message>
    <message>
        <source>Enter your email and your password.</source>
        <translation>Masukkan email dan kata sandi Anda.</translation>
    </message>
    <message>
        <source>We will send a code to your email address to confirm it.</source>
        <translation>Kami akan mengirim kode ke alamat email Anda untuk mengonfirmasinya.</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Kata sandi baru</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>Buat akun</translation>
    </message>
    <message>
        <source>Enter your email address.</source>
        <translation>Masukkan alamat email Anda.</translation>
    </message>
    <message>
        <source>Choose a password.</source>
        <translation>Pilih kata sandi.</translation>
    </message>
    <message>
        <source>Reset your password</source>
        <translation>Atur ulang kata sandi Anda</translation>
    </message>
    <message>
        <source>We will email you a code. Enter it here with a new password.</source>
        <translation>Kami akan mengirimkan kode lewat email. Masukkan di sini bersama kata sandi baru.</translation>
    </message>
    <message>
        <source>Send code</source>
        <translation>Kirim kode</translation>
    </message>
    <message>
        <source>Code from the email</source>
        <translation>Kode dari email</translation>
    </message>
    <message>
        <source>&amp;Code from the email</source>
        <translation>&amp;Kode dari email</translation>
    </message>
    <message>
        <source>&amp;New password</source>
        <translation>Kata sandi &amp;baru</translation>
    </message>
    <message>
        <source>Set new password</source>
        <translation>Simpan kata sandi baru</translation>
    </message>
    <message>
        <source>Back to sign in</source>
        <translation>Kembali ke halaman masuk</translation>
    </message>
    <message>
        <source>Enter the email address of your account.</source>
        <translation>Masukkan alamat email akun Anda.</translation>
    </message>
    <message>
        <source>If there is an account for %1, a code is on its way. It is valid for 30 minutes. Check your spam folder if it does not arrive.</source>
        <translation>Jika ada akun untuk %1, kode sedang dikirim. Kode berlaku 30 menit. Periksa folder spam jika tidak sampai.</translation>
    </message>
    <message>
        <source>Enter the code from the email.</source>
        <translation>Masukkan kode dari email.</translation>
    </message>
    <message>
        <source>Choose a new password.</source>
        <translation>Pilih kata sandi baru.</translation>
    </message>
    <message>
        <source>Your password was changed and you were signed out everywhere. Sign in with the new password.</source>
        <translation>Kata sandi Anda telah diubah dan Anda telah dikeluarkan di semua perangkat. Masuk dengan kata sandi baru.</translation>
    </message>
    <message>
        <source>terms and privacy notice</source>
        <translation>ketentuan dan pemberitahuan privasi</translation>
    </message>
    <message>
        <source>Terms and privacy: %1.</source>
        <translation>Ketentuan dan privasi: %1.</translation>
    </message>
    <message>
        <source>Terms and privacy: %1, version %2.</source>
        <translation>Ketentuan dan privasi: %1, versi %2.</translation>
    </message>
    <message>
        <source>I have read and accept the %1.</source>
        <translation>Saya telah membaca dan menerima %1.</translation>
    </message>
    <message>
        <source>I have read and accept the %1 (version %2).</source>
        <translation>Saya telah membaca dan menerima %1 (versi %2).</translation>
    </message>
    <message>
        <source>There is already an account for %1 on this server. Sign in to it (with your password, or the way you signed in before) to connect %2; next time you can use either.</source>
        <translation>Sudah ada akun untuk %1 di server ini. Masuk ke akun itu (dengan kata sandi Anda, atau cara Anda masuk sebelumnya) untuk menghubungkan %2; lain kali Anda dapat memakai keduanya.</translation>
    </message>
</context>
</TS>