/*
 * Where the installed (or built) files are. The build tree mirrors the install
 * tree, and `cmake --install --prefix P` may relocate it after the build, so
 * paths are found relative to the running executable, not compiled in.
 */
#ifndef FANGUARD_INSTALL_PATHS_H
#define FANGUARD_INSTALL_PATHS_H

/* Directory of the bundled plugins: $FANGUARD_PLUGIN_DIR, else beside the executable's prefix. */
const char *install_plugin_dir(void);
/* The default config file: $FANGUARD_CONFIG, else PREFIX/etc/fanguard/fanguard.conf. */
const char *install_default_config(void);

#endif
