<?php
// Adminer from Debian's package (the official image's ADMINER_DEFAULT_SERVER is not implemented).
require '/usr/share/adminer/adminer/index.php';
