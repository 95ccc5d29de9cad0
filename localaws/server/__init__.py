"""The HTTP side of localaws: the WSGI app (AWS requests through moto under the persistence
lock; localaws's own /_localaws/ endpoints), the server process and its background and
embedded forms, and the wiring that connects the executor and the event layer to moto."""
