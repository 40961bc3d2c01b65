"""What answers HTTP: one Flask application (:mod:`.app`) routing by host to the portal
(:mod:`.mast`), ExoMAST (:mod:`.exomast`), TESScut (:mod:`.tesscut`) and the name resolver
(:mod:`.resolver`).  They read the definitions (``sky``) and the built files (``store``); from
``network`` they take only the host names and the request handler they extend.
"""

MAY_IMPORT: tuple[str, ...] = ("sky", "store", "network")
