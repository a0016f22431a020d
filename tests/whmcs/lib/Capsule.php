<?php

/*
 * WHMCS's database facade. WHMCS modules write `use WHMCS\Database\Capsule;` and call
 * Capsule::table(...), Capsule::schema(), Capsule::connection()->transaction(...).
 * WHMCS 8 ships it as a subclass of Illuminate's Capsule manager bound to the WHMCS
 * database; here the same subclass sits on Debian's php-illuminate-database, and
 * Environment::boot() makes it the global instance.
 */

namespace WHMCS\Database;

class Capsule extends \Illuminate\Database\Capsule\Manager
{
}
